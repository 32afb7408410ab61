import io
from pathlib import Path

from verbund.bench.screening import name_pairs
from verbund.compliance.parsers import ParsedEntry


def test_labelled_name_pairs_are_skipped_when_the_file_is_absent(tmp_path: Path) -> None:
    out = io.StringIO()
    assert name_pairs(str(tmp_path / "cases.csv"), [], 0.7, out) is None
    assert "skipped" in out.getvalue()


def test_labelled_name_pairs_count_found_matches_and_hit_non_matches(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_group,schema,name1,name2,is_match,quality,category,notes\r\n"
        "t,Person,Oleg Deripasca,Oleg DERIPASKA,true,,,\r\n"
        "t,Company,Krasny Oktyabr GmbH,KRASNY OKTYABR OOO,true,,,\r\n"
        "t,Person,Angela Cruz,Angela MERKEL,false,,,\r\n"
        "t,Company,Volkswagen AG,Siemens AG,false,,,\r\n",
        encoding="utf-8",
    )
    other = ParsedEntry(
        external_id="x", schema="person", names=[{"name": "Mohammed ZAIDAN", "weak": False}]
    )
    result = name_pairs(str(path), [other], 0.7, io.StringIO())
    assert result is not None
    assert result["pairs"] == 4
    assert result["recall"] == 1.0
    assert result["accuracy"] == 1.0
