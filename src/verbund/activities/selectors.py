"""Who may be named as an activity's contact person: the organisation's contacts today.

A contact is what the group section lists for one member (``hierarchies.group.contacts``):
the persons filed under the organisation and those linked to it by a contact type, valid
today, neither merged nor archived. This module asks that selector; it keeps no rule of its
own about who is a contact.
"""

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError

from verbund.hierarchies import group
from verbund.parties.models import Party, PartyKind


def _contact_rows(
    organisation: Party, *, cursor: str = "", size: int = group.MAX_PAGE_SIZE
) -> Iterator[dict[str, Any]]:
    if organisation.kind != PartyKind.ORGANISATION:
        return
    while True:
        try:
            page = group.contacts(organisation.pk, member=organisation.pk, cursor=cursor, size=size)
        except ValidationError:
            # Only without the built-in "group" type (a database never migrated, a test's
            # flushed one): the file still opens, naming nobody.
            return
        yield from page.rows
        if not page.next_cursor:
            return
        cursor = page.next_cursor


def contact_label(display_name: str, position: str) -> str:
    """A contact as the form names one: "Hanna Händler · Einkauf"."""
    return display_name + (f" · {position}" if position else "")


def contact_choices(organisation: Party, limit: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the organisation's contacts today, by name; a person linked twice once.
    With ``limit``, at most ``limit + 1`` of them, read a page of that size at a time (one
    more than the limit says there are more)."""
    seen: dict[int, str] = {}
    size = group.MAX_PAGE_SIZE if limit is None else min(limit + 1, group.MAX_PAGE_SIZE)
    for row in _contact_rows(organisation, size=size):
        seen.setdefault(int(row["id"]), contact_label(row["display_name"], row["position"]))
        if limit is not None and len(seen) > limit:
            break
    return sorted(seen.items(), key=lambda item: (item[1].casefold(), item[0]))


def find_contacts(
    organisation: Party, query: str, limit: int = 10
) -> tuple[list[tuple[int, str]], bool]:
    """The organisation's contacts today of whom every word of ``query`` is in the name, the
    title or the position (folded as the party search folds: "haendler" finds "Händler",
    "geschaeftsfuehrer" finds "Geschäftsführer"), by name, at most ``limit`` (id, label), and
    whether more match: the form's search when the contacts are too many to list. The
    database filters (``hierarchies.group.search_contacts``)."""
    if organisation.kind != PartyKind.ORGANISATION:
        return [], False
    found = group.search_contacts(organisation.pk, query, limit)
    return [(p.pk, contact_label(p.display_name, p.position)) for p in found.parties], found.more


def is_contact(organisation: Party, person_id: int) -> bool:
    """Whether ``person_id`` is a contact of the organisation today, as the group section
    lists one (``hierarchies.group.is_contact``): one row read, not the organisation's list."""
    if organisation.kind != PartyKind.ORGANISATION:
        return False
    return group.is_contact(organisation.pk, person_id)
