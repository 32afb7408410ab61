"""The access answer as a printable letter (Art. 15 GDPR): the controller, the date, the data
subject, the data in sections with labels and German dates (no internal keys), the wording of
Art. 15(1); logged once per answer, as the JSON download; the same permission."""

import re
from typing import Any

from django.utils import timezone, translation

from verbund.privacy.actions import do_record_consent, do_set_hold
from verbund.privacy.models import PrivacyLog
from verbund.privacy.tests.conftest import EMAIL, STREET

CONTROLLER = {
    "name": "Musterfirma GmbH",
    "address": "Hauptstraße 1|50667 Köln",
    "contact": "datenschutz@musterfirma.de",
    "recipients": "",
}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_letter_names_sender_date_and_person_and_shows_the_data_in_german(
    world: dict[str, Any], client_for: Any, settings: Any
) -> None:
    settings.VERBUND_PRIVACY_CONTROLLER = CONTROLLER
    person = world["person"]
    do_record_consent(person, actor=None, channel="email", purpose="advertising",
                      status="objected", date="2026-03-02", source="Anruf")  # fmt: skip
    do_set_hold(person, actor=None, until=timezone.localdate(), reason="Steuerprüfung")
    c = client_for("privacy")
    with translation.override("de"):
        response = c.get(f"/privacy/parties/{person.pk}/letter/", {"reference": "DS-2026-4"})
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    assert "Musterfirma GmbH Hauptstraße 1 50667 Köln" in text
    assert f"Hannelore Quastwitz {STREET} 50667 Köln" in text
    assert timezone.localdate().strftime("%d.%m.%Y") in text
    assert "Ihr Auskunftsersuchen nach Art. 15 DSGVO" in text and "Ihr Zeichen: DS-2026-4" in text
    for heading in ("Stammdaten", "Beziehungen", "Aktivitäten", "Einwilligungen und Widersprüche",
                    "Werbung", "Sanktionsprüfung", "Aufbewahrungssperren",
                    "Änderungsverlauf", "Angaben nach Art. 15 Abs. 1 DSGVO", "Empfänger",
                    "Speicherdauer", "Herkunft der Daten", "Ihre Rechte"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in html or f"<dt>{heading}</dt>" in html, heading
    assert EMAIL in text and "kennt den Vorstand" in text
    assert "02.03.2026: E-Mail · Werbung · Widerspruch (Anruf)" in text
    assert "E-Mail · Werbung: Widerspruch (seit 02.03.2026)" in text
    assert "unser ERP-System (Schlüssel erp:P1)" in text
    assert "Personen und Einzelunternehmen ohne Aktivität seit 10 Jahren" in text
    assert "datenschutz@musterfirma.de" in text
    # The lists screened against are named, not assumed ("the EU's").
    assert (
        "mit Sanktions- und PEP-Listen ab, wie es das Gesetz verlangt; zurzeit: Testliste." in text
    )
    # No internal keys, no ISO dates.
    for key in ("first_name", "email", "objected", "advertising", "art15", "test-list"):
        assert not re.search(rf"(?<![\w@.-]){key}(?![\w@.-])", text), key
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text)


def test_the_letter_is_in_english_when_the_page_is(
    world: dict[str, Any], client_for: Any, settings: Any
) -> None:
    settings.VERBUND_PRIVACY_CONTROLLER = CONTROLLER
    html = client_for("privacy").get(
        f"/privacy/parties/{world['person'].pk}/letter/", HTTP_ACCEPT_LANGUAGE="en"
    )
    text = _text(html.content.decode())
    assert "Your request for access under Art. 15 GDPR" in text
    assert "Information under Art. 15(1) GDPR" in text and "Kind regards" in text


def test_each_letter_is_one_logged_answer_and_only_the_privacy_role_may_open_it(
    world: dict[str, Any], client_for: Any
) -> None:
    person = world["person"]
    exports = PrivacyLog.objects.filter(action="export", party_id=person.pk, article="art15")
    url = f"/privacy/parties/{person.pk}/letter/"
    for role in ("viewer", "editor", "steward", "compliance"):
        assert client_for(role).get(url).status_code == 403
    assert exports.count() == 0
    privacy = client_for("privacy")
    assert privacy.get(url, {"reference": "DS-7"}).status_code == 200
    assert list(exports.values_list("reason", flat=True)) == ["DS-7"]
    assert client_for("admin").get(url).status_code == 200
    assert exports.count() == 2
    # An organisation has no answer; a reference too long is refused naming the field.
    holding = world["holding"].pk
    assert privacy.get(f"/privacy/parties/{holding}/letter/").status_code == 400
    with translation.override("de"):
        long = privacy.get(url, {"reference": "x" * 101})
    assert long.status_code == 400 and "Aktenzeichen:" in long.content.decode()
    assert exports.count() == 2 and not PrivacyLog.objects.filter(party_id=holding).exists()


def test_without_a_controller_the_page_says_so_and_prints_no_sender(
    world: dict[str, Any], client_for: Any, settings: Any
) -> None:
    settings.VERBUND_PRIVACY_CONTROLLER = {"name": "", "address": "", "contact": ""}
    html = client_for("privacy").get(f"/privacy/parties/{world['person'].pk}/letter/")
    body = html.content.decode()
    assert 'data-testid="letter-no-controller"' in body
    assert re.search(r'data-testid="letter-sender"></div>', body)
