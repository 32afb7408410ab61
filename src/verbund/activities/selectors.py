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


def _contact_rows(organisation: Party) -> Iterator[dict[str, Any]]:
    if organisation.kind != PartyKind.ORGANISATION:
        return
    cursor = ""
    while True:
        try:
            page = group.contacts(
                organisation.pk, member=organisation.pk, cursor=cursor, size=group.MAX_PAGE_SIZE
            )
        except ValidationError:
            # Only without the built-in "group" type (a database never migrated, a test's
            # flushed one): the file still opens, naming nobody.
            return
        yield from page.rows
        if not page.next_cursor:
            return
        cursor = page.next_cursor


def contact_choices(organisation: Party) -> list[tuple[int, str]]:
    """(id, name) of the organisation's contacts today, by name; a person linked twice once."""
    seen: dict[int, str] = {}
    for row in _contact_rows(organisation):
        label = row["display_name"] + (f" · {row['position']}" if row["position"] else "")
        seen.setdefault(int(row["id"]), label)
    return sorted(seen.items(), key=lambda item: (item[1].casefold(), item[0]))


def is_contact(organisation: Party, person_id: int) -> bool:
    return any(int(row["id"]) == person_id for row in _contact_rows(organisation))
