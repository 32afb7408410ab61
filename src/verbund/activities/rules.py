"""Rules the activity actions enforce, with the messages the form and the API both show."""

from typing import Any

from django.utils.translation import gettext as _

from verbund.parties.models import PartyKind


def contact_error(party: Any, contact: Any, is_contact: bool) -> str | None:
    """Why ``contact`` cannot be named on an activity filed under ``party``, else None.

    Only an organisation has contacts: a person's own file names nobody else. ``is_contact``
    is the selector's answer (a current contact of the organisation)."""
    if contact is None:
        return None
    if party.kind != PartyKind.ORGANISATION:
        return _("Only an activity of an organisation names a contact person.")
    if not is_contact:
        return _("This person is not a contact of %(organisation)s.") % {
            "organisation": party.display_name
        }
    return None
