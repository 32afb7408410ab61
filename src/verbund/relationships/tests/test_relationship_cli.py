"""`verbund relationship ...`: writes through the actions; every refusal exits non-zero with the
field and the reason on stderr, never a traceback."""

import datetime as dt

import pytest
from django.core.management import ManagementUtility

from verbund.core.models import AuditRecord
from verbund.relationships.actions import do_create_relationship, do_deactivate_relationship_type
from verbund.relationships.models import Relationship, RelationshipType

pytestmark = pytest.mark.django_db


@pytest.fixture
def cli(capsys):
    """Run `verbund relationship ...` as the command line does; return (exit code, out, err)."""

    def run(*args: str) -> tuple[int, str, str]:
        argv = ["verbund", "relationship", *args]
        code = 0
        try:
            ManagementUtility(argv).fetch_command("relationship").run_from_argv(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def refused(cli, *args: str, field: str, words: tuple[str, ...] = ()) -> str:
    code, out, err = cli(*args)
    assert code != 0, (out, err)
    assert "Traceback" not in err
    assert field in err, err
    for word in words:
        assert word in err, err
    return err


@pytest.fixture
def two(org):
    return org("Tochter GmbH", erp_source="SAP", erp_id="4711"), org("Mutter AG")


def test_add_links_two_parties_by_number_or_erp_key_and_prints_the_id(cli, two, make_user):
    child, parent = two
    make_user("editor", username="erika")
    code, out, err = cli(
        "add",
        "--type",
        "group",
        "--from",
        "SAP:4711",
        "--to",
        parent.number,
        "--valid-from",
        "2024-01-01",
        "--share",
        "51",
        "--as",
        "erika",
    )
    assert code == 0, err
    rel = Relationship.objects.get(pk=int(out.strip()))
    assert (rel.from_party, rel.to_party, rel.valid_from, rel.share) == (
        child,
        parent,
        dt.date(2024, 1, 1),
        51,
    )
    record = AuditRecord.objects.filter(action="relationship.create", object_id=str(rel.pk)).first()
    assert record is not None and record.actor is not None and record.actor.username == "erika"


def test_add_refuses_party_kinds_the_type_does_not_allow(cli, two):
    child, parent = two
    refused(
        cli,
        "add",
        "--type",
        "contact",
        "--from",
        child.number,
        "--to",
        parent.number,
        field="from_party",
    )


def test_add_refuses_a_party_related_to_itself(cli, two):
    refused(
        cli,
        "add",
        "--type",
        "supplier",
        "--from",
        two[0].number,
        "--to",
        two[0].number,
        field="to_party",
    )


def test_add_refuses_the_same_active_link_twice(cli, two):
    args = ("add", "--type", "supplier", "--from", two[0].number, "--to", two[1].number)
    assert cli(*args)[0] == 0
    refused(cli, *args, field="to_party")


def test_add_refuses_overlapping_validity(cli, two):
    args = ("add", "--type", "supplier", "--from", two[0].number, "--to", two[1].number)
    assert cli(*args, "--valid-from", "2020-01-01", "--valid-to", "2020-12-31")[0] == 0
    refused(cli, *args, "--valid-from", "2020-06-01", field="valid_from")


def test_add_refuses_a_share_on_a_type_without_shares(cli, two):
    refused(
        cli,
        "add",
        "--type",
        "supplier",
        "--from",
        two[0].number,
        "--to",
        two[1].number,
        "--share",
        "50",
        field="share",
    )


@pytest.mark.parametrize("share", ["0", "-3", "101", "viel"])
def test_add_refuses_a_share_out_of_range_or_not_a_number(cli, two, share):
    refused(
        cli,
        "add",
        "--type",
        "group",
        "--from",
        two[0].number,
        "--to",
        two[1].number,
        f"--share={share}",
        field="share",
    )


def test_add_refuses_valid_to_before_valid_from(cli, two):
    err = refused(
        cli,
        "add",
        "--type",
        "group",
        "--from",
        two[0].number,
        "--to",
        two[1].number,
        "--valid-from",
        "2024-02-01",
        "--valid-to",
        "2024-01-31",
        field="valid_to",
    )
    assert "--valid-to" in err


def test_add_refuses_an_inactive_type(cli, two):
    do_deactivate_relationship_type(RelationshipType.objects.get(key="consultant"), actor=None)
    refused(
        cli,
        "add",
        "--type",
        "consultant",
        "--from",
        two[0].number,
        "--to",
        two[1].number,
        field="type",
    )


def test_add_refuses_a_malformed_date(cli, two):
    refused(
        cli,
        "add",
        "--type",
        "group",
        "--from",
        two[0].number,
        "--to",
        two[1].number,
        "--valid-from",
        "1.1.2024",
        field="valid_from",
        words=("1.1.2024",),
    )


def test_add_refuses_an_unknown_type_key(cli, two):
    refused(
        cli,
        "add",
        "--type",
        "konzernchen",
        "--from",
        two[0].number,
        "--to",
        two[1].number,
        field="type",
        words=("konzernchen",),
    )


def test_add_refuses_unknown_parties_naming_the_side(cli, two):
    refused(
        cli,
        "add",
        "--type",
        "group",
        "--from",
        "999999",
        "--to",
        two[1].number,
        field="from_party",
        words=("--from", "999999"),
    )
    refused(
        cli,
        "add",
        "--type",
        "group",
        "--from",
        two[0].number,
        "--to",
        "SAP:0000",
        field="to_party",
        words=("--to", "SAP:0000"),
    )


def test_add_without_required_options_exits_non_zero(cli):
    code, _, err = cli("add", "--type", "group")
    assert code != 0 and "--from" in err and "Traceback" not in err


def test_nothing_is_written_on_a_refusal(cli, two):
    count = AuditRecord.objects.count()
    cli("add", "--type", "group", "--from", two[0].number, "--to", two[0].number)
    assert not Relationship.objects.exists() and AuditRecord.objects.count() == count


def test_end_sets_valid_to_and_refuses_bad_dates(cli, two):
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=two[0], to_party=two[1], valid_from="2020-01-01"
    )
    refused(cli, "end", str(rel.pk), "--valid-to", "2019-12-31", field="valid_to")
    refused(cli, "end", str(rel.pk), "--valid-to", "morgen", field="valid_to")
    refused(cli, "end", "424242", field="ID:")
    code, _, err = cli("end", str(rel.pk), "--valid-to", "2024-06-30")
    assert code == 0, err
    rel.refresh_from_db()
    assert rel.valid_to == dt.date(2024, 6, 30) and rel.valid_from == dt.date(2020, 1, 1)


def test_update_corrects_values_and_refuses_bad_ones(cli, two, english_cli):
    rel = do_create_relationship(
        actor=None, type="group", from_party=two[0], to_party=two[1], share=40
    )
    assert cli("update", str(rel.pk), "--share", "60", "--note", "Kapitalerhöhung")[0] == 0
    rel.refresh_from_db()
    assert rel.share == 60 and rel.note == "Kapitalerhöhung"
    refused(cli, "update", str(rel.pk), "--share", "160", field="share")
    refused(cli, "update", str(rel.pk), "--source", "fax", field="source")
    code, _, err = cli("update", str(rel.pk))
    assert code != 0 and "Nothing to change" in err


def test_list_shows_relationships_as_seen_from_the_party(cli, two, org):
    child, parent = two
    do_create_relationship(
        actor=None,
        type="group",
        from_party=child,
        to_party=parent,
        share=100,
        valid_from="2020-01-01",
    )
    do_create_relationship(
        actor=None,
        type="supplier",
        from_party=org("Lieferant GmbH"),
        to_party=parent,
        valid_to="2019-12-31",
    )
    code, out, _ = cli("list", parent.number)
    assert code == 0
    assert "ist Muttergesellschaft von\tTochter GmbH" in out and "\t100\u00a0%" in out
    assert "ist Kunde von\tLieferant GmbH" in out
    code, out, _ = cli("list", parent.number, "--on", "2024-01-01")
    assert "Lieferant" not in out and "Tochter" in out
    code, out, _ = cli("list", parent.number, "--type", "supplier")
    assert "Tochter" not in out and "Lieferant" in out
    refused(cli, "list", parent.number, "--on", "gestern", field="on")
    refused(cli, "list", "nobody", field="REF:")


def test_types_lists_the_types(cli, english_cli):
    code, out, _ = cli("types")
    assert code == 0
    assert out.splitlines()[0].startswith("group\t") and "sister" in out and "symmetric" in out
