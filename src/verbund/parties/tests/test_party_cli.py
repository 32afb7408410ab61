"""`verbund party ...`: writes through the actions; refusals exit non-zero naming the field."""

import json

import pytest
from django.core.management import ManagementUtility

from verbund.core.errors import Conflict
from verbund.core.models import AuditRecord
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db

GOOD_LEI = "529900T8BM49AURSDO55"


@pytest.fixture
def cli(capsys):
    def run(*args: str) -> tuple[int, str, str]:
        argv = ["verbund", "party", *args]
        code = 0
        try:
            ManagementUtility(argv).fetch_command("party").run_from_argv(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def refused(cli, *args: str, field: str) -> str:
    code, out, err = cli(*args)
    assert code != 0 and out == "", (code, out, err)
    assert field in err and "Traceback" not in err, err
    return err


def test_create_prints_id_and_generated_number_and_audits(cli, make_user):
    make_user("editor", username="erika")
    code, out, err = cli(
        "create",
        "--name",
        "Müller GmbH",
        "--city",
        "Köln",
        "--country",
        "de",
        "--lei",
        GOOD_LEI,
        "--tag",
        "A-Kunde",
        "--as",
        "erika",
    )
    assert code == 0, err
    pk, number, name = out.strip().split("\t")
    party = Party.objects.get(pk=int(pk))
    assert party.number == number and name == "Müller GmbH" and party.country == "DE"
    assert list(party.tags.values_list("name", flat=True)) == ["A-Kunde"]
    record = AuditRecord.objects.get(action="party.create", party_id=party.pk)
    assert record.actor is not None and record.actor.username == "erika"


def test_create_a_person_at_an_organisation_by_erp_key(cli, org):
    company = org("Muster GmbH", erp_source="SAP", erp_id="1")
    code, out, err = cli(
        "create",
        "--kind",
        "person",
        "--first-name",
        "Erika",
        "--last-name",
        "Mustermann",
        "--organisation",
        "SAP:1",
    )
    assert code == 0, err
    person = Party.objects.get(pk=int(out.split("\t")[0]))
    assert person.organisation == company and person.name == "Erika Mustermann"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--name", "X", "--country", "XX"), "country"),
        (("--name", "X", "--lei", "529900T8BM49AURSDO56"), "lei"),
        (("--name", "X", "--vat-id", "12"), "vat_id"),
        (("--name", "X", "--email", "kein-at"), "email"),
        (("--name", "X", "--kind", "robot"), "kind"),
        (("--name", "X", "--birth-date", "1970-02-31"), "birth_date"),
        (("--name", "X", "--organisation", "nobody"), "organisation"),
        (("--name", "X", "--responsible", "nobody"), "responsible"),
        (("--city", "Köln"), "name"),
        (("--kind", "person", "--first-name", "Erika"), "last_name"),
        (("--name", "X", "--tag", "Messe, 2027"), "tag_names"),
        (("--name", "X", "--tag", "x" * 65), "tag_names"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(cli, args, field):
    refused(cli, "create", *args, field=field)
    assert not Party.objects.exists()


def test_a_taken_number_is_refused(cli, org):
    party = org("A")
    err = refused(cli, "create", "--name", "B", "--number", party.number, field="number")
    assert party.number in err


def test_an_erp_key_another_party_holds_is_refused_with_the_actions_message(cli, org):
    org("A", erp_source="sap", erp_id="4711")
    key = {"erp_source": "sap", "erp_id": "4711"}
    with pytest.raises(Conflict) as conflict:
        do_create_party(actor=None, name="B", **key)
    err = refused(cli, "create", "--name", "B", "--erp-source", "sap", "--erp-id", "4711",
                  field="erp_id")  # fmt: skip
    # The one message, on its field (the key's database constraint no longer repeats it).
    assert err.strip().splitlines() == [
        f"CommandError: erp_id (--erp-id): {conflict.value.messages[0]}"
    ]
    assert Party.objects.count() == 1


def test_update_changes_fields_and_refuses_bad_ones(cli, org, english_cli):
    party = org("Alpha GmbH")
    code, _, err = cli("update", party.number, "--city", "Bonn")
    assert code == 0, err
    party.refresh_from_db()
    assert party.city == "Bonn"
    refused(cli, "update", party.number, "--country", "QQ", field="country")
    refused(cli, "update", "unknown-ref", "--city", "Bonn", field="ref")
    code, _, err = cli("update", party.number)
    assert code != 0 and "Nothing to change" in err


def test_archive_and_restore(cli, org):
    party = org()
    assert cli("archive", str(party.pk), "--note", "insolvent")[0] == 0
    party.refresh_from_db()
    assert party.archived
    assert cli("archive", str(party.pk), "--restore")[0] == 0
    party.refresh_from_db()
    assert not party.archived


def test_show_prints_the_party_with_its_relationships_as_json(cli, org):
    child, parent = org("Tochter GmbH"), org("Mutter AG")
    do_create_relationship(actor=None, type="group", from_party=child, to_party=parent, share=100)
    code, out, _ = cli("show", parent.number)
    assert code == 0
    data = json.loads(out)
    assert data["name"] == "Mutter AG"
    (rel,) = data["relationships"]
    assert (
        rel["label"] == "ist Muttergesellschaft von" and rel["other_party_number"] == child.number
    )
