"""The English UI reads data in English: duplicate reasons and import errors stored in the
worker's German are shown in the reader's language, and countries by name, not by code
(#22.6 walk)."""

import pytest
from django.urls import reverse
from django.utils import translation

from verbund.core.countries import country_name
from verbund.interfaces.actions import do_create_run, do_execute_run
from verbund.parties.actions import do_create_party
from verbund.quality.actions import do_record_candidates
from verbund.quality.models import DuplicateCandidate

pytestmark = pytest.mark.django_db


def in_english(client):
    client.post(reverse("set-language"), {"language": "en", "next": "/"})
    return client


def test_countries_have_names_in_both_languages():
    with translation.override("de"):
        assert country_name("DE") == "Deutschland" and country_name("at") == "Österreich"
    with translation.override("en"):
        assert country_name("DE") == "Germany" and country_name("GB") == "United Kingdom"
    assert country_name("") == "" and country_name("QQ") == "QQ"


def test_the_file_and_the_list_name_the_country(client_for):
    party = do_create_party(
        actor=None, kind="organisation", name="Alpen Handel GmbH", postcode="6020",
        city="Innsbruck", country="AT",
    )  # fmt: skip
    c = client_for("viewer")
    assert "Österreich" in c.get(reverse("party-detail", args=[party.pk])).content.decode()
    in_english(c)
    body = c.get(reverse("party-detail", args=[party.pk])).content.decode()
    assert "Austria" in body and "AT-6020" not in body
    assert "Austria" in c.get(reverse("party-list")).content.decode()


def test_duplicate_reasons_stored_in_german_read_in_english(client_for):
    a = do_create_party(actor=None, kind="organisation", name="Müller Logistik GmbH")
    b = do_create_party(actor=None, kind="organisation", name="Mueller Logistik GmbH")
    with translation.override("de"):
        do_record_candidates(
            [{"a": a.pk, "b": b.pk, "probability": 0.95, "points": 9, "cluster": 1}],
            actor=None,
        )
        candidate = DuplicateCandidate.objects.get()
        candidate.evidence = [
            {"field": "name", "label": "Name", "level": "exact", "level_label": "gleicher Name",
             "weight": 6.0},
        ]  # fmt: skip
        candidate.save()
    c = client_for("steward")
    assert "gleicher Name" in c.get(reverse("quality-queue")).content.decode()
    body = in_english(c).get(reverse("quality-queue")).content.decode()
    assert "gleicher Name" not in body and "same name" in body


def test_an_import_error_stored_in_german_reads_in_english(client_for, tmp_path, settings):
    settings.VERBUND_IMPORT_DIR = str(tmp_path)
    csv = tmp_path / "kunden.csv"
    csv.write_text("id;name;city;country\nK1;Alpha GmbH;Köln;DE\nK2;Beta AG;Bonn;XX\n", "utf-8")
    with translation.override("de"):
        run = do_create_run(actor=None, kind="parties", source="sap", path=csv, dry_run=True)
        do_execute_run(run)
    c = client_for("admin")
    assert "kein Ländercode" in c.get(reverse("import-run", args=[run.pk])).content.decode()
    body = in_english(c).get(reverse("import-run", args=[run.pk])).content.decode()
    assert "XX is not an ISO 3166 country code." in body and "Ländercode" not in body
