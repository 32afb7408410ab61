"""`verbund party postcodes`: German postcodes of four digits stored before decision 0059 are
listed, and with --apply given their leading zero through ``do_normalise_postcodes``, all or
nothing, each with a record in the party's history."""

from typing import Any

import pytest
from django.core.management import ManagementUtility

from verbund.core import audit
from verbund.core.models import AuditRecord
from verbund.parties import actions
from verbund.parties.actions import (
    do_archive_party,
    do_create_party,
    do_mark_merged,
    do_normalise_postcodes,
)
from verbund.parties.models import Party

pytestmark = pytest.mark.django_db


@pytest.fixture
def cli(capsys, monkeypatch):
    monkeypatch.setenv("VERBUND_LANGUAGE", "de")

    def run(*args: str) -> tuple[int, str, str]:
        argv = ["verbund", "party", "postcodes", *args]
        code = 0
        try:
            ManagementUtility(argv).fetch_command("party").run_from_argv(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def stored(name: str, postcode: str, country: str = "DE", **fields: Any) -> Party:
    """A party whose postcode was stored as given, before the rule of decision 0059."""
    party = do_create_party(actor=None, name=name, country=country, city="Dresden", **fields)
    Party.objects.filter(pk=party.pk).update(postcode=postcode)
    party.refresh_from_db()
    return party


@pytest.fixture
def mixed() -> dict[str, Party]:
    """Three German postcodes of four digits (one archived) and what must stay as it is."""
    parties = {
        "dresden": stored("Elbe GmbH", "1067", number="100001"),
        "spaced": stored("Saale AG", " 6108 ", number="100002"),
        "leipzig": stored("Pleiße KG", "4109", number="100003"),
        "vienna": stored("Donau GmbH", "1010", country="AT", number="100004"),
        "prefixed": stored("Präfix GmbH", "D-01067", number="100005"),
        "cologne": stored("Rhein GmbH", "50667", number="100006"),
        "jena": stored("Jena GmbH", "7743", number="100007"),
        "survivor": stored("Jena Holding GmbH", "07743", number="100008"),
    }
    do_archive_party(parties["leipzig"], actor=None)
    # A merged record is a frozen redirect: the fix leaves it as it is.
    do_mark_merged(parties["jena"], parties["survivor"], actor=None)
    return parties


def postcodes() -> dict[str, str]:
    return dict(Party.objects.values_list("number", "postcode"))


def test_the_report_counts_and_lists_the_four_digit_german_postcodes_and_writes_nothing(
    cli, mixed
) -> None:
    before, records = postcodes(), AuditRecord.objects.count()
    code, out, err = cli()
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Deutsche Postleitzahlen mit vier Ziffern: 3 (davon 1 archiviert)"
    assert lines[1:4] == [
        "  100001  Elbe GmbH  1067 → 01067",
        "  100002  Saale AG   6108  → 06108",
        "  100003  Pleiße KG  4109 → 04109  (archiviert)",
    ]
    assert lines[4] == "Probelauf: Nichts wurde geändert. --apply ergänzt die Nullen."
    assert postcodes() == before and AuditRecord.objects.count() == records


def test_the_report_names_twenty_and_counts_the_rest(cli) -> None:
    for i in range(23):
        stored(f"Firma {i}", "1067")
    code, out, err = cli()
    assert code == 0, err
    assert out.splitlines()[0].startswith("Deutsche Postleitzahlen mit vier Ziffern: 23 ")
    assert out.count("→ 01067") == 20
    assert "  … und 3 weitere" in out.splitlines()


def test_apply_pads_only_german_four_digit_postcodes_each_with_a_history_record(
    cli, mixed, make_user
) -> None:
    make_user("admin", username="erika")
    updated_at = dict(Party.objects.values_list("number", "updated_at"))
    code, out, err = cli("--apply", "--as", "erika")
    assert code == 0, err
    assert out.splitlines()[-1] == (
        "Geänderte Postleitzahlen: 3, jede mit einem Eintrag im Verlauf der Adresse."
    )
    assert postcodes() == {
        "100001": "01067",
        "100002": "06108",
        "100003": "04109",
        "100004": "1010",
        "100005": "D-01067",
        "100006": "50667",
        "100007": "7743",
        "100008": "07743",
    }
    dresden = Party.objects.get(number="100001")
    # The search finds the party by its postcode as stored now.
    assert "01067" in dresden.search_text.split()
    # Restoring a zero is no change of substance: the retention clock keeps its time.
    assert dict(Party.objects.values_list("number", "updated_at")) == updated_at
    records = list(AuditRecord.objects.filter(action="party.update").order_by("party_id"))
    assert [(r.party_id, r.before, r.after) for r in records] == [
        (mixed["dresden"].pk, {"postcode": "1067"}, {"postcode": "01067"}),
        (mixed["spaced"].pk, {"postcode": " 6108 "}, {"postcode": "06108"}),
        (mixed["leipzig"].pk, {"postcode": "4109"}, {"postcode": "04109"}),
    ]
    assert {r.actor.username for r in records} == {"erika"}
    # The history panel tells it as a changed postcode.
    audit.present_history(records[:1])
    assert records[0].changes == [("PLZ", "1067", "01067")]  # type: ignore[attr-defined]


def test_a_second_run_changes_nothing_and_says_so(cli, mixed) -> None:
    cli("--apply")
    after, records = postcodes(), AuditRecord.objects.count()
    for args in (("--apply",), ()):
        code, out, err = cli(*args)
        assert code == 0, err
        assert out == "Keine deutsche Postleitzahl mit vier Ziffern: nichts zu ändern.\n"
    assert postcodes() == after and AuditRecord.objects.count() == records


def test_a_long_run_tells_its_progress(cli, monkeypatch) -> None:
    monkeypatch.setattr(actions, "POSTCODE_STEP", 2)
    for i in range(5):
        stored(f"Firma {i}", "1067")
    code, out, err = cli("--apply")
    assert code == 0, err
    assert [line for line in out.splitlines() if " von " in line] == [
        "  2 von 5",
        "  4 von 5",
        "  5 von 5",
    ]


def test_a_failure_part_way_changes_nothing(mixed, monkeypatch) -> None:
    monkeypatch.setattr(actions, "POSTCODE_STEP", 1)
    calls = []
    record_many = audit.record_many

    def fail_on_the_second(*args: Any, **kwargs: Any) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return record_many(*args, **kwargs)

    monkeypatch.setattr(audit, "record_many", fail_on_the_second)
    before, records = postcodes(), AuditRecord.objects.count()
    with pytest.raises(RuntimeError):
        do_normalise_postcodes(actor=None)
    assert postcodes() == before and AuditRecord.objects.count() == records
