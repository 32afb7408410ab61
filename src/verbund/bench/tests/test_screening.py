import io
from pathlib import Path

from verbund.bench.screening import build_index
from verbund.bench.screening_pairs import name_pairs, read_cases, roc_auc, split
from verbund.compliance.parsers import ParsedEntry

CASES = (
    "case_group,schema,name1,name2,is_match,quality,category,notes\r\n"
    "t,Person,Oleg Deripasca,Oleg DERIPASKA,true,,,\r\n"
    "t,Company,Krasny Oktyabr GmbH,KRASNY OKTYABR OOO,true,,,\r\n"
    "t,Person,Olga Deripaska,Oleg DERIPASKA,true,,,\r\n"
    "t,Company,SiemensAG,Siemens AG,true,,,\r\n"
    "t,Person,Angela Cruz,Angela MERKEL,false,,,\r\n"
    "t,Company,Volkswagen AG,Siemens AG,false,,,\r\n"
    "t,Person,Angelo Cruz,Angela MERKEL,false,,,\r\n"
    "t,Company,Volkswerk AG,Volkswagen AG,false,,,\r\n"
)


def test_labelled_name_pairs_are_skipped_when_the_file_is_absent(tmp_path: Path) -> None:
    options = {"threshold": 0.7}
    assert name_pairs(tmp_path / "cases.csv", [], build_index, options, io.StringIO()) is None


def test_the_split_is_fixed_and_deals_every_label_to_both_halves(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(CASES, encoding="utf-8")
    cases = read_cases(path)
    tune, held = split(cases)
    assert (tune, held) == split(cases)
    assert sorted(tune + held) == list(range(8))
    for half in (tune, held):
        assert sorted(cases[k]["is_match"] for k in half) == ["false", "false", "true", "true"]


def test_roc_auc_is_the_share_of_match_non_match_pairs_ranked_right() -> None:
    assert roc_auc([0.9, 0.8, 0.1, 0.2], [True, True, False, False]) == 1.0
    assert roc_auc([0.5, 0.5], [True, False]) == 0.5
    assert roc_auc([0.1, 0.9, 0.8], [True, False, False]) == 0.0


def test_both_halves_report_recall_precision_and_auc(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(CASES, encoding="utf-8")
    other = ParsedEntry(
        external_id="x", schema="person", names=[{"name": "Mohammed ZAIDAN", "weak": False}]
    )
    out = io.StringIO()
    result = name_pairs(path, [other], build_index, {"threshold": 0.7}, out)
    assert result is not None
    assert result["tune"]["pairs"] + result["held"]["pairs"] == 8
    assert "held-out half" in out.getvalue()
    assert 0.0 <= result["held"]["auc"] <= 1.0
