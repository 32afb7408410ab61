"""How domain apps add to shared pages and commands without those knowing them.

A page or command of a lower layer (the customer file and the party list of ``parties``, the
hierarchy view, the merge action) asks every app for its part; an app takes part by providing
the module named below with the function named below, and apps without it are skipped. This
is how a higher layer adds to a lower one without the lower one importing it (see
docs/development/layers.md).

- ``verbund.<app>.sections`` (the customer file):
  ``party_file(request, party) -> FilePart`` (badges, header buttons and blocks rendered with
  the page itself), ``party_sections(request, party) -> list[Section]`` (blocks loaded right
  after the page), ``party_badges(party) -> list[Badge]`` and
  ``describe_history(party, records) -> None`` (sets ``detail`` and ``other`` on the audit
  records of the app's objects in the file's history)
- ``verbund.<app>.annotations`` (the hierarchy view, the org chart and the hierarchy API):
  ``node_annotations(party_ids, type_key, as_of) -> dict[int, dict[str, Any]]``, and
  ``PERMISSION`` ("app.codename") where only its holders may read them
  (``hierarchies.facts``)
- ``verbund.<app>.merge`` (the duplicate merge):
  ``reassign(source, survivor, *, actor) -> dict[str, list[int]]`` (moved row ids by model
  label), ``unassign(moved, source, survivor, *, actor) -> None`` (undo) and
  ``describe(moved) -> list[dict[str, str]]`` (what ``reassign`` moved or ended, in words, for
  the merge's plan, which runs the merge and rolls it back)
- ``verbund.<app>.sections`` (the start page): ``home_sections(request) -> list[Section]``
  (blocks below the search, each template rendering its own card; [] for users who may not
  see them)
- ``verbund.<app>.filters`` (the party list of the UI and the API):
  ``party_filters() -> dict[str, django_filters.Filter]``, filters added to ``PartyFilterSet``;
  ``check_party_filters(cleaned_data) -> dict[str, list[str]]``, refusals of filters that are
  valid alone but not together (by parameter name; {} when all is well)
- ``verbund.<app>.entry`` (before the API creates a party):
  ``check_duplicates_or_raise(data, *, confirmed) -> None`` raises an API exception (409 with
  candidates) to refuse, unless ``is_confirmed(request)`` of the same module says the caller
  confirmed
- ``verbund.<app>.selectors`` (party pages and ``verbund party show``):
  ``block_warning(party_id) -> str`` (a warning the party's edit form shows; "" for none) and
  ``describe_party(party) -> dict[str, Any]`` (keys added to ``verbund party show``)
- ``verbund.<app>.sections`` (a list page, through the template tag ``list_actions``):
  ``list_actions(request, list_name, query) -> list[Section]``, buttons beside a list's
  filters (``list_name`` "party_list"; ``query`` the list's filter parameters as a query
  string), e.g. "Als Selektion speichern"
- ``verbund.<app>.demo`` (``verbund demo --sample-list``, after the demo data is generated):
  ``sample_data(*, actor, stdout) -> None``, the app's own sample data made through its
  actions (the compliance app: a fictional list and the demo suppliers it names)
"""

import functools
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.util import find_spec
from types import ModuleType
from typing import Any

DOMAIN_APPS = [
    "parties",
    "relationships",
    "hierarchies",
    # Before activities: the file shows what is to do above what was done.
    "followups",
    "activities",
    "revenue",
    "interfaces",
    "quality",
    "compliance",
    "privacy",
    "selections",
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


@dataclass
class FilePart:
    """An app's part of the customer file that comes with the page itself rather than after it
    (so it costs the page its queries): header badges, header buttons (``actions``, rendered
    where the file's own buttons are) and blocks at the top of the main column (``sections``,
    each template rendering its own card)."""

    badges: list[Badge] = field(default_factory=list)
    actions: list[Section] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def modules(name: str) -> Iterator[ModuleType]:
    """Each app's ``verbund.<app>.<name>`` module, where it exists."""
    yield from _modules(name)


@functools.cache
def _modules(name: str) -> tuple[ModuleType, ...]:
    # Found once per process: the apps and their modules do not change while it runs, and
    # looking for them on every call was a twentieth of a customer file's CPU.
    found = []
    for app in DOMAIN_APPS:
        path = f"verbund.{app}.{name}"
        try:
            spec = find_spec(path)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            found.append(importlib.import_module(path))
    return tuple(found)


def hooks(module: str, function: str) -> Iterator[Callable[..., Any]]:
    """Each app's ``verbund.<app>.<module>.<function>``, where it exists, in app order."""
    for found in modules(module):
        hook = getattr(found, function, None)
        if callable(hook):
            yield hook
