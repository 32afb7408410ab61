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
    Page("privacy-advertising", allowed=PRIVACY),
    Page("privacy-advertising-csv", allowed=PRIVACY),
    Page("privacy-log", allowed=PRIVACY),
    Page("privacy-retention", allowed=PRIVACY),
    Page("privacy-retention-apply", allowed=PRIVACY),
    Page("privacy-retention-apply", "post", PRIVACY, ok=FORM_OK),
    Page("privacy-retention-run", allowed=PRIVACY, kwargs={"run_id": "run"}),
    Page("privacy-export-letter", allowed=PRIVACY, kwargs={"party_id": "person"}),
]  # fmt: skip


def world() -> World:
    from verbund.privacy.models import RetentionRun

    person = do_create_party(actor=None, kind="person", first_name="Erika", last_name="Muster")
    run = RetentionRun.objects.create(status="done")
    return {"person": person.pk, "run": run.pk}
