"""Decision 0059 for rows without a country: a four-digit postcode gets its leading zero when
the party's country is Germany, whether the row names it, the party keeps it (a blank cell,
an absent key, no country column) or a new party gets it as the default; a re-import of the
same file changes nothing."""

from collections.abc import Callable
from pathlib import Path

import pytest

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
