"""The customer file: a "Datenschutz" section for data subjects (consents and objections,
legal holds, export and erasure for the privacy role) and badges for objections and erasure."""

from typing import Any

from django.utils.translation import gettext as _

from verbund.core.extensions import Badge, Section
from verbund.core.permissions import user_has
from verbund.parties.rules import is_data_subject
from verbund.privacy import selectors
from verbund.privacy.forms import ConsentForm, HoldForm
from verbund.privacy.models import Channel, ConsentStatus, LegalHold, Purpose


def section_context(request: Any, party: Any, form: ConsentForm | None = None) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Why data is kept (a hold's reason, open sanctions hits) is for who may read holds, as the
    # hold API asks; everyone who reads consents sees the consents.
    sees_holds = user_has(user, "privacy.view_legalhold")
    return {
        "party": party,
        "erased": selectors.is_erased(party.pk),
        "consents": selectors.current_consents(party.pk),
        "holds": (
            list(LegalHold.objects.filter(party_id=party.pk, lifted_at__isnull=True))
            if sees_holds
            else []
        ),
        "hold_message": selectors.hold_message([party.pk]) if sees_holds else None,
        "consent_form": form or ConsentForm(),
        "hold_form": HoldForm(),
        "can_add_consent": user_has(user, "privacy.add_consent"),
        "can_export": user_has(user, "privacy.export_personal_data"),
        "can_erase": user_has(user, "privacy.erase_personal_data"),
        "can_hold": user_has(user, "privacy.add_legalhold"),
    }


def party_sections(request: Any, party: Any) -> list[Section]:
    if not is_data_subject(party.kind, party.sole_trader):
        return []
    if not user_has(getattr(request, "user", None), "privacy.view_consent"):
        return []
    return [
        Section(
            key="privacy",
            title=_("Data protection"),
            template="privacy/section.html",
            context=section_context(request, party),
            order=95,
        )
    ]


def party_badges(party: Any) -> list[Badge]:
    if not is_data_subject(party.kind, party.sole_trader):
        return []
    if selectors.is_erased(party.pk):
        return [Badge(label=_("Personal data erased"), css="badge badge-muted")]
    objected = any(c.status == ConsentStatus.OBJECTED for c in selectors.current_consents(party.pk))
    return [Badge(label=_("Objected to advertising"), css="badge")] if objected else []


def describe_history(party: Any, records: list[Any]) -> None:
    """A consent's record in the file's history names channel, purpose and status."""
    for rec in records:
        if rec.object_type == "privacy.consent" and rec.after:
            a = rec.after
            labels = (
                dict(Channel.choices).get(a.get("channel"), ""),
                dict(Purpose.choices).get(a.get("purpose"), ""),
                dict(ConsentStatus.choices).get(a.get("status"), ""),
            )
            rec.detail = " · ".join(str(v) for v in labels if v)
