"""The hierarchy rules and their messages: one parent at a time, never a cycle.

Two checks enforce them, both with these messages: ``hierarchies.engine.check_link`` for one
link (the actions: at any date of its validity, one query per visited party) and
``hierarchies.batch.check_batch`` for a batch of links at once (the ERP import and sync API:
the current parents in memory). Parties are named the same way in both (``party_labels``).
Never copy a message out of here: call the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from verbund.core.bulk import chunks
from verbund.core.formatting import format_date
from verbund.parties.models import Party


def party_labels(ids: Iterable[int]) -> dict[int, str]:
    """How the messages name parties: the display name, with the ERP id where there is one
    (what an import's user knows the party by)."""
    labels: dict[int, str] = {}
    fields = ("id", "kind", "name", "title", "first_name", "last_name", "erp_id")
    for chunk in chunks(sorted(set(ids)), 900):
        for party in Party.objects.filter(pk__in=chunk).only(*fields):
            name = party.display_name
            labels[party.pk] = f"{name} ({party.erp_id})" if party.erp_id else name
    return labels


def second_parent(
    child: str, type_name: str, valid_from: dt.date | None, valid_to: dt.date | None, parent: str
) -> str:
    """The child already has ``parent`` from ``valid_from`` to ``valid_to`` (None: open), the
    period said as a reader says it ("since 1 Jan 2015", not "from 1 Jan 2015 to —")."""
    values = {
        "child": child,
        "type": type_name,
        "from": format_date(valid_from),
        "to": format_date(valid_to),
        "parent": parent,
    }
    if valid_from and valid_to:
        text = _("%(child)s already has a parent in %(type)s from %(from)s to %(to)s: %(parent)s.")
    elif valid_from:
        text = _("%(child)s already has a parent in %(type)s since %(from)s: %(parent)s.")
    elif valid_to:
        text = _("%(child)s already has a parent in %(type)s until %(to)s: %(parent)s.")
    else:
        text = _("%(child)s already has a parent in %(type)s: %(parent)s.")
    return text % values


def two_parents_in_batch(child: str, type_name: str, first: str, second: str) -> str:
    """One batch gives the child two parents at the same time."""
    return _("%(child)s gets two parents in %(type)s in this batch: %(a)s and %(b)s.") % {
        "child": child,
        "type": type_name,
        "a": first,
        "b": second,
    }


def cycle(day: dt.date | None, path: Sequence[str]) -> str:
    """The link would close a cycle on ``day``; ``path`` from the top, back to it. Links
    without a start date close it from the beginning: no day is named then (None or the
    checks' earliest date)."""
    if day is None or day == dt.date.min:
        return _("This link would close a cycle: %(path)s") % {"path": " → ".join(path)}
    return _("This link would close a cycle on %(day)s: %(path)s") % {
        "day": format_date(day),
        "path": " → ".join(path),
    }
