"""Consents and objections (Art. 21 GDPR, § 7 UWG): recorded per channel and purpose, in the
API and the file; advertising exports leave out everyone who objected and say how many."""

import csv
import io
from typing import Any

from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.privacy.actions import do_record_consent
from verbund.privacy.selectors import advertising_selection, current_consents


def _people(db: Any) -> list[Party]:
    # A postal address each: the post channel reaches them (the objections are what is tested).
    address = {"street": "Domkloster 4", "postcode": "50667", "city": "Köln"}
    return [
        do_create_party(actor=None, kind="person", first_name=f, last_name="Werbetest", **address)
        for f in ("Anna", "Bernd", "Carla")
    ]


def test_the_latest_statement_per_channel_and_purpose_is_in_force(db: Any) -> None:
    anna = _people(db)[0]
    do_record_consent(
        anna, actor=None, channel="email", purpose="newsletter", status="granted", date="2026-01-01"
    )
    do_record_consent(
        anna,
        actor=None,
        channel="email",
        purpose="newsletter",
        status="withdrawn",
        date="2026-06-01",
    )
    do_record_consent(
        anna,
        actor=None,
        channel="post",
        purpose="advertising",
        status="objected",
        date="2026-03-01",
    )
    assert [(c.channel, c.purpose, c.status) for c in current_consents(anna.pk)] == [
        ("post", "advertising", "objected"),
        ("email", "newsletter", "withdrawn"),
    ]


def test_an_objection_removes_the_person_from_an_advertising_export_which_says_so(
    db: Any, client: Any, make_user: Any
) -> None:
    anna, bernd, carla = _people(db)
    do_record_consent(bernd, actor=None, channel="phone", purpose="advertising", status="objected")
    selection = advertising_selection(Party.objects.filter(last_name="Werbetest"), "post")
    assert [p.pk for p in selection.parties] == [anna.pk, carla.pk]
    assert selection.left_out == 1
    client.force_login(make_user("privacy"))
    response = client.get("/privacy/advertising.csv?channel=post")
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    names = [r[1] for r in rows[1:-1]]
    assert "Bernd Werbetest" not in names and "Anna Werbetest" in names
    assert response["X-Left-Out"] == "1"
    assert rows[-1][0].startswith("Ausgelassen wegen Widerspruchs: 1,")
    page = client.get("/privacy/advertising/?channel=post").content.decode()
    assert "Werbewiderspruch" in page or "objected" in page or "widersprochen" in page


def test_a_withdrawn_consent_leaves_out_only_its_channel(db: Any) -> None:
    anna, _b, _c = _people(db)
    do_record_consent(anna, actor=None, channel="email", purpose="advertising", status="withdrawn")
    people = Party.objects.filter(last_name="Werbetest")
    assert advertising_selection(people, "email").left_out == 1
    assert advertising_selection(people, "post").left_out == 0


def test_the_api_lists_and_records_consents_and_refuses_bad_values(db: Any, api_for: Any) -> None:
    anna = _people(db)[0]
    api = api_for("editor")
    url = f"/api/v1/parties/{anna.pk}/consents/"
    body = {
        "channel": "email",
        "purpose": "advertising",
        "status": "objected",
        "date": "2026-12-01",
        "source": "Anruf",
    }
    assert api.post(url, body, format="json").status_code == 201
    listed = api.get(url).json()
    assert listed[0]["status"] == "objected" and listed[0]["source"] == "Anruf"
    bad = api.post(url, {**body, "channel": "fax"}, format="json")
    assert bad.status_code == 400 and "channel" in bad.json()
    bad = api.post(url, {**body, "date": "gestern"}, format="json")
    assert bad.status_code == 400 and "date" in bad.json()


def test_the_file_shows_the_section_and_records_a_consent(
    db: Any, client: Any, make_user: Any
) -> None:
    anna = _people(db)[0]
    client.force_login(make_user("editor"))
    section = client.get(f"/parties/{anna.pk}/sections/privacy/")
    assert section.status_code == 200 and 'data-testid="consent-form"' in section.content.decode()
    response = client.post(f"/privacy/parties/{anna.pk}/consents/",
                           {"channel": "post", "purpose": "advertising", "status": "objected", "date": "2026-12-01"})  # fmt: skip
    assert response.status_code == 302
    assert current_consents(anna.pk)[0].status == "objected"
    bad = client.post(
        f"/privacy/parties/{anna.pk}/consents/",
        {"channel": "post", "purpose": "x", "status": "objected", "date": "2026-12-01"},
    )
    assert bad.status_code == 400


def test_consents_are_importable_all_or_nothing(
    db: Any, capsys: Any, tmp_path: Any, keep_test_connection: None, english_cli: None
) -> None:
    from verbund.core.testing import run_cli
    from verbund.privacy.models import Consent

    anna, bernd, _c = _people(db)
    good = tmp_path / "ok.csv"
    good.write_text(
        "party;channel;purpose;status;date;source\n"
        f"{anna.number};email;advertising;objected;2026-11-30;Brief\n"
        f"{bernd.pk};post;newsletter;granted;2026-11-29;Formular\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "party;channel;purpose;status;date;source\n"
        f"{anna.number};fax;advertising;objected;2026-11-30;Brief\n"
        "99999999;post;newsletter;granted;2026-11-29;Formular\n",
        encoding="utf-8",
    )
    code, _out, err = run_cli(capsys, "privacy", "consents", str(bad))
    assert code == 1 and "Row 2, channel" in err and "Row 3, party" in err
    assert not Consent.objects.exists()
    code, _out, err = run_cli(capsys, "privacy", "consents", str(good))
    assert code == 0, err
    assert Consent.objects.count() == 2


def test_an_advertising_export_from_a_saved_selection_leaves_out_its_objections_only(
    db: Any, client: Any, make_user: Any
) -> None:
    from verbund.selections.actions import do_save_selection

    _anna, bernd, _carla = _people(db)
    do_create_party(actor=None, kind="person", first_name="Dora", last_name="Werbetest",
                    street="Markt 1", postcode="53111", city="Bonn")  # fmt: skip
    do_record_consent(bernd, actor=None, channel="post", purpose="advertising", status="objected")
    user = make_user("privacy")
    mine = do_save_selection(actor=user, name="Köln", filters={"city": "Köln"})
    client.force_login(user)
    response = client.get(f"/privacy/advertising.csv?channel=post&selection={mine.pk}")
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode()), delimiter=";")
    )
    names = [r[1] for r in rows[1:-1]]
    assert "Anna Werbetest" in names and "Carla Werbetest" in names
    assert "Bernd Werbetest" not in names and "Dora Werbetest" not in names
    assert response["X-Left-Out"] == "1"
    page = client.get(f"/privacy/advertising/?channel=post&selection={mine.pk}").content.decode()
    assert "Köln" in page and 'data-testid="advertising-from-selection"' in page

    someone_else = do_save_selection(actor=make_user("editor"), name="Fremd", filters={})
    assert (
        client.get(f"/privacy/advertising/?channel=post&selection={someone_else.pk}").status_code
        == 404
    )


def test_why_a_file_is_kept_shows_to_who_may_read_holds_not_to_every_reader(
    db: Any, client_for: Any
) -> None:
    import datetime as dt

    from verbund.privacy.actions import do_set_hold

    anna = _people(db)[0]
    do_set_hold(anna, actor=None, until=dt.date(2030, 1, 1), reason="Rechtsstreit Az. 4 O 17/26")
    url = f"/parties/{anna.pk}/sections/privacy/"
    for role in ("viewer", "editor"):
        page = client_for(role).get(url).content.decode()
        assert 'data-testid="consent-form"' in page or role == "viewer"
        assert "Rechtsstreit" not in page and 'data-testid="privacy-hold"' not in page
    page = client_for("privacy").get(url).content.decode()
    assert 'data-testid="privacy-hold"' in page and "Rechtsstreit" in page
