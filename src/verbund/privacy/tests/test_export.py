"""Access export (Art. 15): a value written into each place appears in the export."""

import datetime as dt
import json
import re
from typing import Any

from verbund.core.testing import run_cli
from verbund.privacy import rules
from verbund.privacy.actions import do_export_party, do_record_consent, do_set_hold
from verbund.privacy.models import PrivacyLog
from verbund.privacy.tests.conftest import EMAIL, FIRST, NAME, PHONE, STREET


def test_the_export_holds_a_value_from_every_place(world: dict[str, Any], make_user: Any) -> None:
    person = world["person"]
    do_record_consent(person, actor=None, channel="post", purpose="newsletter", status="granted",
                      source="Messe-Formular 4711")  # fmt: skip
    do_record_consent(person, actor=None, channel="email", purpose="advertising", status="objected",
                      source="Schreiben 0815")  # fmt: skip
    do_set_hold(
        person, actor=None, until=dt.date.today() + dt.timedelta(days=9), reason="Prüfung 42"
    )
    doc = do_export_party(person, actor=make_user("privacy"))
    text = json.dumps(doc, ensure_ascii=False)
    places = {
        "party fields": FIRST, "contact details": EMAIL, "phone": PHONE, "address": STREET,
        "relationships": "kennt den Vorstand", "activities": f"Anruf {NAME}",
        "consents": "Messe-Formular 4711", "objections": "Schreiben 0815",
        "screening hits": "Q. Hannelor", "audit": "party.update", "import runs": "import-",
        "source and key": "erp:P1", "holds": "Prüfung 42", "organisation": "Quastwitz Feinkost",
    }  # fmt: skip
    missing = {where: value for where, value in places.items() if value not in text}
    assert not missing
    assert doc["objections"][0]["status"] == "objected"
    assert doc["consents"][0]["status"] == "granted"
    assert any(r["after"] and r["after"].get("birth_date") == "1970-03-04" for r in doc["audit"])
    assert doc["import_runs"] and doc["import_runs"][0]["source"] == "erp"
    assert PrivacyLog.objects.filter(action="export", party_id=person.pk, article="art15").exists()


def test_the_api_and_the_command_give_the_same_document(
    world: dict[str, Any], api_for: Any, capsys: Any, tmp_path: Any, keep_test_connection: None
) -> None:
    person = world["person"]
    api = api_for("privacy").get(f"/api/v1/parties/{person.pk}/privacy-export/").json()
    code, _out, err = run_cli(
        capsys, "privacy", "export", str(person.pk), "--out", str(tmp_path / "a.json")
    )
    assert code == 0, err
    cli = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    for doc in (api, cli):
        doc.pop("created_at")
    assert api == cli


def test_a_company_has_no_access_export(world: dict[str, Any], api_for: Any) -> None:
    response = api_for("privacy").get(f"/api/v1/parties/{world['holding'].pk}/privacy-export/")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        rules.not_a_data_subject_error("organisation", False)
    ]


def test_the_printable_page_shows_the_data_with_labels(
    world: dict[str, Any], client: Any, make_user: Any
) -> None:
    client.force_login(make_user("privacy"))
    page = client.get(f"/privacy/parties/{world['person'].pk}/export/").content.decode()
    assert EMAIL in page and "kennt den Vorstand" in page
    assert "first_name" not in page


def test_the_printable_page_names_the_organisation_as_the_pages_do_never_by_its_id(
    world: dict[str, Any], client: Any, make_user: Any
) -> None:
    from django.utils import translation

    from verbund.parties.actions import do_update_party

    person, shop = world["person"], world["shop"]
    officer = make_user("privacy")
    officer.first_name, officer.last_name = "Petra", "Prüfer"
    officer.save()
    do_update_party(person, actor=None, responsible=officer)
    client.force_login(officer)
    with translation.override("de"):
        page = client.get(f"/privacy/parties/{person.pk}/export/").content.decode()
    fields = dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", page))
    assert fields["Organisation"] == f"Quastwitz Feinkost e.K. ({shop.number})"
    assert fields["Verantwortlich"] == "Petra Prüfer"
    # The download names it too: the id the records hold, with the number and the name.
    doc = json.loads(client.get(f"/privacy/parties/{person.pk}/export.json").content)
    assert doc["records"][0]["organisation_id"] == shop.pk
    assert doc["organisation"] == {
        "id": shop.pk, "number": shop.number, "name": "Quastwitz Feinkost e.K."
    }  # fmt: skip
    assert doc["responsible"] == {"id": officer.pk, "name": "Petra Prüfer"}


def test_one_answer_is_one_log_entry_written_by_the_download_not_by_the_page(
    world: dict[str, Any], client: Any, make_user: Any, api_for: Any
) -> None:
    person = world["person"]
    exports = PrivacyLog.objects.filter(action="export", party_id=person.pk, article="art15")
    client.force_login(make_user("privacy"))
    page = client.get(f"/privacy/parties/{person.pk}/export/")
    assert page.status_code == 200 and 'data-testid="export-logged"' in page.content.decode()
    assert exports.count() == 0  # looking at it hands nothing out
    download = client.get(f"/privacy/parties/{person.pk}/export.json")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert exports.count() == 1
    # The API twin hands the same document out, and logs it the same way: once.
    assert api_for("privacy").get(f"/api/v1/parties/{person.pk}/privacy-export/").status_code == 200
    assert exports.count() == 2
    # An organisation has no answer: refused on the page and in the download, nothing logged.
    holding = world["holding"].pk
    assert client.get(f"/privacy/parties/{holding}/export/").status_code == 400
    assert client.get(f"/privacy/parties/{holding}/export.json").status_code == 400
    assert not PrivacyLog.objects.filter(party_id=holding).exists()


def test_the_export_names_a_user_without_a_full_name_as_the_history_does(
    world: dict[str, Any], make_user: Any
) -> None:
    from verbund.core.audit import present_history
    from verbund.core.models import AuditRecord
    from verbund.parties.actions import do_update_party
    from verbund.privacy.selectors import export_document

    person = world["person"]
    officer = make_user("privacy", username="pprufer")
    do_update_party(person, actor=None, responsible=officer)
    doc = export_document(person)
    assert doc["responsible"] == {"id": officer.pk, "name": "pprufer"}
    change = list(AuditRecord.objects.filter(object_id=str(person.pk)).order_by("-id")[:1])
    present_history(change)
    assert [new for _label, _old, new in change[0].changes] == ["pprufer"]  # type: ignore[attr-defined]
