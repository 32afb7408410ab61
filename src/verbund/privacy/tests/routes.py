"""Who may use the privacy routes: declarations for the role walk (core.testing)."""

import datetime as dt

from verbund.core.testing import EVERYONE, FORM_OK, PRIVACY, WRITERS, Page, Route, World
from verbund.parties.actions import do_create_party

CONSENT_WRITERS = WRITERS | PRIVACY
TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
CONSENT = {
    "channel": "email",
    "purpose": "advertising",
    "status": "objected",
    "date": "2026-12-01",
    "source": "Brief",
}

ROUTES = [
    Route("privacy-export", allowed=PRIVACY, kwargs={"party_id": "person"}),
    Route("privacy-erase", "post", PRIVACY, kwargs={"party_id": "person"}, body=lambda w: {"reason": "DS-1"}),
    Route("privacy-hold", "post", PRIVACY, kwargs={"party_id": "person"},
          body=lambda w: {"until": TOMORROW, "reason": "Rechtsstreit"}, ok=(201,)),
    Route("privacy-hold-lift", "post", PRIVACY, kwargs={"party_id": "person"}, body=lambda w: {"reason": "Ende"}),
    Route("privacy-consents", allowed=EVERYONE, kwargs={"party_id": "person"}),
    Route("privacy-consents", "post", CONSENT_WRITERS, kwargs={"party_id": "person"},
          body=lambda w: CONSENT, ok=(201,)),
    Page("privacy-export-page", allowed=PRIVACY, kwargs={"party_id": "person"}),
    Page("privacy-export-json", allowed=PRIVACY, kwargs={"party_id": "person"}),
    Page("privacy-erase-page", allowed=PRIVACY, kwargs={"party_id": "person"}),
    Page("privacy-erase-page", "post", PRIVACY, kwargs={"party_id": "person"},
         body=lambda w: {"reason": "DS-1"}, ok=FORM_OK),
    Page("privacy-hold-page", "post", PRIVACY, kwargs={"party_id": "person"},
         body=lambda w: {"until": TOMORROW, "reason": "Rechtsstreit"}, ok=FORM_OK),
    Page("privacy-hold-lift-page", "post", PRIVACY, kwargs={"party_id": "person"},
         body=lambda w: {"reason": "Ende"}, ok=FORM_OK),
    Page("privacy-consent-page", "post", CONSENT_WRITERS, kwargs={"party_id": "person"},
         body=lambda w: CONSENT, ok=FORM_OK),
    Page("privacy-advertising", allowed=EVERYONE),
    Page("privacy-advertising-csv", allowed=EVERYONE),
    Page("privacy-log", allowed=PRIVACY),
    Page("privacy-retention", allowed=PRIVACY),
]  # fmt: skip


def world() -> World:
    person = do_create_party(actor=None, kind="person", first_name="Erika", last_name="Muster")
    return {"person": person.pk}
