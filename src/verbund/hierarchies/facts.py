"""Per-node facts other apps add to a hierarchy (``core.extensions``, ``annotations``): one
rule for the tree page, the org chart and the API. An app's facts reach only who may read
them: a module naming a ``PERMISSION`` (revenue figures, activity counts) is skipped for a
user without it, as that app's own pages and API would refuse them."""

import datetime as dt
from typing import Any

from verbund.core import extensions


def node_annotations(
    ids: list[int],
    type_key: str,
    as_of: dt.date | str | None,
    user: Any,
    *,
    apps: tuple[str, ...] = (),
) -> dict[int, dict[str, Any]]:
    """The facts of the nodes ``ids`` that ``user`` may read, merged by node id; ``apps``:
    only these apps' (by app name), where not all are wanted."""
    merged: dict[int, dict[str, Any]] = {}
    if not ids:
        return merged
    for module in extensions.modules("annotations"):
        if apps and module.__name__.split(".")[-2] not in apps:
            continue
        needed = getattr(module, "PERMISSION", "")
        if not hasattr(module, "node_annotations") or (needed and not user.has_perm(needed)):
            continue
        for pid, values in (module.node_annotations(ids, type_key, as_of) or {}).items():
            merged.setdefault(int(pid), {}).update(values)
    return merged
