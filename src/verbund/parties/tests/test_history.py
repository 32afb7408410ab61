"""The file's history panel shows what happened in words, never internal keys or ids; records
of an object with a page of its own link to it (a registry of object types, not the template)."""

import pytest
from django.urls import reverse

from verbund.core import audit

pytestmark = pytest.mark.django_db


def test_an_import_run_record_links_to_the_import_run_page(client_for, org):
    party = org("Muster Handel GmbH")
    audit.record(
        actor=None, action="import.parties", object_type="interfaces.importrun", object_id=42,
        party_id=party.pk,
    )  # fmt: skip
    body = client_for("viewer").get(reverse("party-detail", args=[party.pk])).content.decode()
    assert f'href="{reverse("import-run", args=[42])}"' in body
    assert "Importiert" in body
    assert "import.parties" not in body


def test_an_action_key_never_shows_as_such(client_for, org):
    party = org("Muster Handel GmbH")
    main = org("Zentrale GmbH")
    audit.record(
        actor=None, action="revenue.main_address.set", obj=party, party_id=party.pk,
        before={"main": None}, after={"main": main.pk, "on": "2015-02-20"},
    )  # fmt: skip
    body = client_for("viewer").get(reverse("party-detail", args=[party.pk])).content.decode()
    assert "revenue.main_address.set" not in body
    assert "Hauptadresse für die Zentralregulierung gesetzt" in body
    assert "Hauptadresse: — → Zentrale GmbH" in body
    assert "20.02.2015" in body


def test_an_object_type_registers_its_page_once_for_every_template():
    audit.register_object_link("test.thing", "party-detail")
    try:
        assert audit.object_link("test.thing", "7") == reverse("party-detail", args=[7])
        assert audit.object_link("unknown.thing", "7") == ""
    finally:
        del audit.OBJECT_LINKS["test.thing"]
