"""Decision 0059 for rows without a country: a four-digit postcode gets its leading zero when
the party's country is Germany, whether the row names it, the party keeps it (a blank cell,
an absent key, no country column) or a new party gets it as the default; a re-import of the
same file changes nothing. Only a postcode the row names is padded: a row that says nothing
about it leaves the stored one alone."""

from collections.abc import Callable
from pathlib import Path

import pytest

from verbund.core.models import AuditRecord
from verbund.interfaces.actions import do_sync
from verbund.interfaces.models import ImportRun
from verbund.interfaces.tests.conftest import reasons
from verbund.parties.models import Party

pytestmark = pytest.mark.django_db

Write = Callable[..., Path]
Run = Callable[..., ImportRun]
STORED = "id;name;postcode;country\nK1;Elbe GmbH;01067;DE\nK2;Donau GmbH;1010;AT\n"


def postcodes() -> dict[str, str]:
    return dict(Party.objects.values_list("erp_id", "postcode"))


@pytest.mark.parametrize(
    "rows",
    [
        "id;name;postcode;country\nK1;Elbe GmbH;1067;\nK2;Donau GmbH;1010;\nK3;Pleiße AG;4109;\n",
        "id;name;postcode\nK1;Elbe GmbH;1067\nK2;Donau GmbH;1010\nK3;Pleiße AG;4109\n",
    ],
    ids=["blank country cells", "no country column"],
)
def test_a_postcode_without_the_rows_country_follows_the_country_the_party_keeps_or_gets(
    rows: str, write: Write, run_import: Run
) -> None:
    assert run_import("parties", write("p.csv", STORED)).status == "done"
    run = run_import("parties", write("q.csv", rows))
    assert run.status == "done", reasons(run)
    # Dresden keeps its stored "01067", Vienna its "1010"; Leipzig is new, so German.
    assert postcodes() == {"K1": "01067", "K2": "1010", "K3": "04109"}
    assert (run.counts.get("updated", 0), run.counts["created"]) == (0, 1), run.counts
    assert "04109" in Party.objects.get(erp_id="K3").search_text
    again = run_import("parties", write("r.csv", rows))
    assert (again.counts.get("updated", 0), again.counts["unchanged"]) == (0, 3), again.counts


def test_a_four_digit_postcode_stored_for_a_german_party_is_padded_by_a_row_without_country(
    write: Write, run_import: Run
) -> None:
    Party.objects.create(
        name="Elbe GmbH", erp_source="erp", erp_id="K1", postcode="1067", number="1"
    )
    run = run_import("parties", write("p.csv", "id;name;postcode;country\nK1;Elbe GmbH;1067;\n"))
    assert postcodes() == {"K1": "01067"} and run.report["diffs"][0]["changes"] == {
        "postcode": ["1067", "01067"]
    }


def test_an_erp_batch_without_a_country_key_pads_by_the_partys_country() -> None:
    records = [
        {"external_id": "K1", "name": "Elbe GmbH", "postcode": "01067", "country": "DE"},
        {"external_id": "K2", "name": "Donau GmbH", "postcode": "1010", "country": "AT"},
    ]
    do_sync(actor=None, kind="parties", source="sap", records=records)
    again = [{k: v for k, v in r.items() if k != "country"} for r in records]
    again[0]["postcode"] = "1067"
    run, _ = do_sync(actor=None, kind="parties", source="sap", records=again)
    assert postcodes() == {"K1": "01067", "K2": "1010"}
    assert run.counts.get("updated", 0) == 0, run.counts


def legacy_party() -> Party:
    """A German party whose four-digit postcode was stored before decision 0059."""
    return Party.objects.create(
        name="Elbe GmbH", erp_source="sap", erp_id="K1", postcode="1234", country="DE", number="1"
    )


def postcode_history(party: Party) -> list[object]:
    return [
        r.after
        for r in AuditRecord.objects.filter(party_id=party.pk, action="party.update")
        if "postcode" in (r.after or {})
    ]


# Another record of the batch names postcode and country, so both are fields of the run.
OTHER = {"external_id": "K2", "name": "Oder GmbH", "postcode": "15230", "country": "DE"}


@pytest.mark.parametrize(
    "record",
    [
        {"external_id": "K1", "name": "Elbe GmbH"},
        {"external_id": "K1", "name": "Elbe GmbH", "country": ""},
        {"external_id": "K1", "name": "Elbe GmbH", "country": "DE"},
        {"external_id": "K1", "name": "Elbe GmbH", "city": "Dresden"},
    ],
    ids=["both keys absent", "blank country", "country named", "another field changed"],
)
def test_a_record_without_a_postcode_leaves_the_stored_four_digits_alone(
    record: dict[str, str],
) -> None:
    party = legacy_party()
    for _ in range(2):
        run, _ = do_sync(actor=None, kind="parties", source="sap", records=[record, OTHER])
        assert run.status == "done", reasons(run)
        party.refresh_from_db()
        assert (party.postcode, party.country) == ("1234", "DE")
        assert postcode_history(party) == []
        assert not any("postcode" in d.get("changes", {}) for d in run.report["diffs"])
    # The second run found nothing to change.
    assert run.counts.get("updated", 0) == 0, run.counts


def test_a_batch_without_a_country_key_leaves_a_postcode_a_record_does_not_name_alone() -> None:
    party = legacy_party()
    records = [
        {"external_id": "K1", "name": "Elbe GmbH", "city": "Dresden"},
        {"external_id": "K2", "name": "Oder GmbH", "postcode": "5230"},
    ]
    run, _ = do_sync(actor=None, kind="parties", source="sap", records=records)
    assert run.status == "done", reasons(run)
    party.refresh_from_db()
    assert (party.postcode, party.city) == ("1234", "Dresden")
    assert run.report["diffs"][0]["changes"] == {"city": ["", "Dresden"]}
    assert postcode_history(party) == []
    assert Party.objects.get(erp_id="K2").postcode == "05230"


def test_a_blank_postcode_cell_empties_the_postcode_as_any_blank_cell_and_pads_nothing(
    write: Write, run_import: Run
) -> None:
    # Files: an empty cell is an empty value (docs/interfaces.md, "Absent vs. empty"); only an
    # empty kind, status or country keeps the stored one.
    party = legacy_party()
    text = "id;name;postcode;country\nK1;Elbe GmbH;;\n"
    run = run_import("parties", write("p.csv", text), source="sap")
    party.refresh_from_db()
    assert (party.postcode, party.country) == ("", "DE")
    assert run.report["diffs"][0]["changes"] == {"postcode": ["1234", ""]}
    again = run_import("parties", write("q.csv", text), source="sap")
    assert (again.counts.get("updated", 0), again.counts["unchanged"]) == (0, 1), again.counts
