"""How domain apps add to shared pages without the pages knowing them.

The customer file asks every app for sections and badges; the hierarchy view asks for
per-node annotations; the merge action asks every app to move a party's rows. An app takes
part by providing the module named below with the function named below; apps without it are
skipped.

- ``verbund.<app>.sections``:
  ``party_sections(request, party) -> list[Section]`` and ``party_badges(party) -> list[Badge]``
- ``verbund.<app>.annotations``:
  ``node_annotations(party_ids, type_key, as_of) -> dict[int, dict[str, Any]]``
- ``verbund.<app>.merge``:
  ``reassign(source, survivor, *, actor) -> dict[str, list[int]]`` (moved row ids by model
  label) and ``unassign(moved, source, survivor, *, actor) -> None`` (undo)
"""

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.util import find_spec
from types import ModuleType
from typing import Any

DOMAIN_APPS = [
    "parties",
    "relationships",
    "hierarchies",
    "activities",
    "revenue",
    "interfaces",
    "quality",
    "compliance",
    "web",
]


@dataclass
class Section:
    """A block on the customer file: a template rendered with ``context`` under ``title``."""

    key: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass
class Badge:
    """A label in the customer file's header, e.g. "Konzernmitglied" or "Gesperrt"."""

    label: str
    css: str = "badge"
    url: str = ""
    title: str = ""


def modules(name: str) -> Iterator[ModuleType]:
    """Each app's ``verbund.<app>.<name>`` module, where it exists."""
    for app in DOMAIN_APPS:
        path = f"verbund.{app}.{name}"
        try:
            spec = find_spec(path)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            yield importlib.import_module(path)
