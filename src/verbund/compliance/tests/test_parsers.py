import pytest
from django.core.exceptions import ValidationError

from verbund.compliance.actions import do_import_list
from verbund.compliance.models import ListEntry, SanctionsList
from verbund.compliance.parsers import ListFormatError, parse
from verbund.compliance.tests import fixtures

CASES = [
    (
        "ofac-csv",
        [
            ("sdn.csv", fixtures.OFAC_SDN),
            ("alt.csv", fixtures.OFAC_ALT),
            ("add.csv", fixtures.OFAC_ADD),
        ],
        4,
    ),
    ("ofac-xml", [("sdn.xml", fixtures.OFAC_XML)], 2),
    ("un-xml", [("consolidated.xml", fixtures.UN_XML)], 2),
    ("eu-xml", [("eu.xml", fixtures.EU_XML)], 2),
    ("eu-csv", [("eu.csv", fixtures.EU_CSV)], 2),
    ("uk-xml", [("uk.xml", fixtures.UK_XML)], 2),
    ("uk-csv", [("uk.csv", fixtures.UK_CSV)], 2),
    ("ftm", [("entities.ftm.json", fixtures.FTM)], 2),
    ("opensanctions-csv", [("targets.simple.csv", fixtures.OPENSANCTIONS_CSV)], 2),
]


@pytest.mark.parametrize(("fmt", "files", "count"), CASES, ids=[c[0] for c in CASES])
def test_it_reads_every_supported_format(
    fmt: str, files: list[tuple[str, bytes]], count: int
) -> None:
    result = parse(fmt, files)
    assert len(result.entries) == count
    assert all(e.names and e.external_id for e in result.entries)


def test_ofac_csv_joins_aliases_addresses_and_remark_facts() -> None:
    entries = {e.external_id: e for e in parse("ofac-csv", CASES[0][1]).entries}
    bank = entries["306"]
    assert {"name": "NATIONAL BANK OF CUBA", "weak": False} in bank.names
    assert {"name": "BNC", "weak": True} in bank.names
    person = entries["2674"]
    assert person.schema == "person" and person.name == "Abu ABBAS"
    assert person.birth_dates == ["1948-12-10"] and person.countries == ["IQ"]
    trading = entries["9001"]
    assert {"type": "lei", "value": "5299001ABCDEFGHIJ123"} in trading.identifiers
    assert {"type": "imo", "value": "9187629"} in trading.identifiers
    assert trading.countries == ["IR"]


def test_an_ofac_tax_id_written_with_a_space_after_its_country_code_is_kept_whole() -> None:
    from verbund.compliance.list_files import ParsedEntry
    from verbund.compliance.parsers import _remarks_facts

    entry = ParsedEntry(external_id="1", schema="organisation", names=[])
    _remarks_facts(
        entry,
        "Tax ID No. DE 313145928 (Germany); Tax ID No. CHE-309.513.960 (Switzerland); "
        "Tax ID No. 7701234567.",
    )
    assert [i["value"] for i in entry.identifiers] == [
        "DE313145928",
        "CHE-309.513.960",
        "7701234567",
    ]


def test_ofac_register_and_tax_numbers_are_kept_whole_without_their_name_office_or_town():
    from verbund.compliance.list_files import ParsedEntry
    from verbund.compliance.parsers import _remarks_facts

    entry = ParsedEntry(external_id="1", schema="organisation", names=[])
    _remarks_facts(
        entry,
        "Tax ID No. 08/666/09768 (Germany); Tax ID No. B 140.315 (Luxembourg); "
        "Tax ID No. RIF J-31069374-9 (Venezuela); Tax ID No. Sisli TA/0690472808 (Turkey); "
        "Tax ID No. AABA 670850 Y.; Registration Number HRB 48319 (Germany); "
        "Registration Number 6000845 Nabatieh (Lebanon); Registration ID CH-020.4.068.609-3.",
    )
    assert [i["value"] for i in entry.identifiers] == [
        "HRB48319",
        "6000845",
        "CH-020.4.068.609-3",
        "08/666/09768",
        "B140.315",
        "J-31069374-9",
        "TA/0690472808",
        "AABA670850Y",
    ]


def test_eu_and_uk_files_keep_weak_aliases_birth_dates_and_identifiers() -> None:
    eu = {e.external_id: e for e in parse("eu-xml", [("x", fixtures.EU_XML)]).entries}
    assert eu["13"].schema == "person" and eu["13"].birth_dates == ["1937-04-28"]
    assert {"name": "Abu Ali", "weak": True} in eu["13"].names
    assert {"type": "register", "value": "1027739024730"} in eu["900"].identifiers
    uk = {e.external_id: e for e in parse("uk-xml", [("x", fixtures.UK_XML)]).entries}
    assert uk["RUS0001"].name == "Oleg Valentinovich DERIPASKA"
    assert uk["RUS0001"].birth_dates == ["1968-01-02"] and uk["RUS0001"].countries == ["RU"]
    assert any(n["name"].startswith("Олег") for n in uk["RUS0001"].names)
    assert (
        uk["RUS0002"].schema == "vessel"
        and {"type": "imo", "value": "9743033"} in uk["RUS0002"].identifiers
    )


def test_it_refuses_a_billion_laughs_file() -> None:
    with pytest.raises(ListFormatError, match="not allowed"):
        parse("un-xml", [("bomb.xml", fixtures.BILLION_LAUGHS)])


def test_it_refuses_external_entities() -> None:
    with pytest.raises(ListFormatError, match="not allowed"):
        parse("un-xml", [("xxe.xml", fixtures.EXTERNAL_ENTITY)])


def test_it_names_the_wrong_format() -> None:
    with pytest.raises(ListFormatError, match="CONSOLIDATED_LIST"):
        parse("un-xml", [("eu.xml", fixtures.EU_XML)])
    with pytest.raises(ListFormatError):
        parse("ofac-csv", [("targets.csv", fixtures.OPENSANCTIONS_CSV)])
    with pytest.raises(ListFormatError, match="well-formed"):
        parse("eu-xml", [("broken.xml", b"<export><sanctionEntity>")])
    with pytest.raises(ListFormatError, match="JSON"):
        parse("ftm", [("x.json", b"{not json")])


def test_a_refused_file_leaves_the_current_list_as_it_was(ofac: object) -> None:
    slist = SanctionsList.objects.get(key="ofac-sdn")
    before = (slist.current_id, ListEntry.objects.count())
    with pytest.raises(ValidationError):
        do_import_list("ofac-csv", [("sdn.csv", b"<html>not a list</html>")], actor=None)
    slist.refresh_from_db()
    assert (slist.current_id, ListEntry.objects.count()) == before


def test_an_update_is_a_new_version_with_added_changed_and_removed(ofac: object) -> None:
    v2 = do_import_list("ofac-csv", [("sdn.csv", fixtures.OFAC_SDN_V2)], actor=None)
    assert v2.number == 2
    assert v2.diff["added"] == ["7777"]
    assert v2.diff["removed"] == ["36"]
    # 306 gains an alias; 2674 loses its alt.csv alias (no alt.csv given this time); 9001 loses its address country.
    assert "306" in v2.diff["changed"]
    assert SanctionsList.objects.get(key="ofac-sdn").current_id == v2.pk
    assert ListEntry.objects.filter(version__number=1).count() == 4
