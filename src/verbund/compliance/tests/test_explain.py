"""The hit page's explanation in the names as written (``compliance.explain``)."""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from verbund.compliance import explain
from verbund.compliance.actions import do_import_list, do_screen_party
from verbund.compliance.matching import EntryRecord, Index, Query


def _index(name: str, birth_dates: tuple[str, ...] = (), countries: tuple[str, ...] = ()) -> Index:
    rec = EntryRecord(
        list_id=1, entry_id=0, external_id="0", content_hash="h", schema="person", name=name,
        countries=frozenset(countries), birth_dates=birth_dates, identifiers=(),
    )  # fmt: skip
    return Index([(rec, [{"name": name, "weak": False}])])


def test_the_compared_words_are_the_names_as_written_in_the_partys_order() -> None:
    [match] = _index("Yusuf HASAN").screen(Query("person", ["Youssef Hassan"]), 0.5)
    # The engine compares folded words with the list's canonical spellings ...
    assert {tuple(p[:2]) for p in match.explanation["tokens"]} == {
        ("youssef", "iusuf"),
        ("hassan", "hasan"),
    }
    # ... the reviewer reads the written ones, first name first.
    pairs = explain.compared(match.explanation, organisation=False)
    assert [(p.party, p.listed) for p in pairs] == [("Youssef", "Yusuf"), ("Hassan", "HASAN")]
    assert sorted(p.similarity for p in pairs) == sorted(t[2] for t in match.explanation["tokens"])


def test_a_word_the_written_name_does_not_give_shows_as_compared() -> None:
    explanation = {
        "query": "SiemensAG",
        "matched_name": "SIEMENS AG",
        "tokens": [["siemens", "siemens", 0.95], ["garbage"], "x"],
    }
    [pair] = explain.compared(explanation, organisation=True)
    assert (pair.party, pair.listed, pair.similarity) == ("siemens", "SIEMENS", 0.95)
    assert explain.compared(None, organisation=True) == []


def test_a_short_form_shows_the_given_name_the_list_writes() -> None:
    explanation = {
        "query": "Bibi Netanyahu",
        "matched_name": "NETANYAHU, Benjamin",
        "short_form": True,
        "tokens": [["netanyahu", "netaniahu", 1.0], ["bibi", "bibi", 1.0]],
    }
    pairs = explain.compared(explanation, organisation=False)
    assert [(p.party, p.listed) for p in pairs] == [
        ("Bibi", "Benjamin"),
        ("Netanyahu", "NETANYAHU"),
    ]


def test_qualifiers_show_dates_and_countries_in_the_readers_language() -> None:
    [match] = _index(
        "Abu ABBAS", birth_dates=("1948-12-10", "1949"), countries=("IQ", "SY")
    ).screen(Query("person", ["Abu Abbas"], birth_date=dt.date(1980, 1, 2), country="DE"), 0.0)
    with translation.override("de"):
        rows = explain.qualifiers(match.explanation)
    assert rows == [
        {
            "label": "Geburtsdatum",
            "detail": "02.01.1980 ≠ 10.12.1948, 1949",
            "effect": "\u22120,30",
        },
        {"label": "Land", "detail": "Deutschland ∉ Irak, Syrien", "effect": "\u22120,10"},
    ]
    with translation.override("en"):
        rows = explain.qualifiers(match.explanation)
    assert rows[1]["detail"] == "Germany ∉ Iraq, Syria"
    assert rows[0]["effect"] == "\u22120.30"


def test_a_birth_year_one_off_is_near_not_a_conflict() -> None:
    [match] = _index("Abu ABBAS", birth_dates=("1981-05-05",)).screen(
        Query("person", ["Abu Abbas"], birth_date=dt.date(1980, 1, 2)), 0.0
    )
    with translation.override("de"):
        [row] = explain.qualifiers(match.explanation)
    assert row == {
        "label": "Geburtsdatum",
        "detail": "02.01.1980 ~ 05.05.1981",
        "effect": "\u22120,05",
    }


def test_a_matching_country_and_year_raise_the_score_with_a_plus() -> None:
    [match] = _index("Abu ABBAS", birth_dates=("1948",), countries=("IQ",)).screen(
        Query("person", ["Abu Abbas"], birth_date=dt.date(1948, 5, 1), country="IQ"), 0.0
    )
    with translation.override("de"):
        assert explain.qualifiers(match.explanation) == [
            {"label": "Geburtsdatum", "detail": "1948", "effect": "+0,04"},
            {"label": "Land", "detail": "Irak", "effect": "+0,03"},
        ]
    assert explain.birth_date_text("1948-05") in {"Mai 1948", "May 1948"}


def test_a_qualifier_stored_without_its_values_shows_its_detail() -> None:
    old = {"qualifiers": [{"kind": "country", "effect": 0.03, "detail": "AE"}]}
    with translation.override("de"):
        assert explain.qualifiers(old) == [{"label": "Land", "detail": "AE", "effect": "+0,03"}]


@pytest.mark.django_db
def test_the_hit_page_shows_the_written_names_and_german_dates(
    person: Callable[..., Any], client_for: Callable[[str], Any]
) -> None:
    sdn = (
        b'7001,"NETANYAHU, Benjamin","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
        b'"DOB 21 Oct 1949."\r\n\x1a'
    )
    do_import_list("ofac-csv", [("sdn.csv", sdn)], actor=None)
    [hit] = do_screen_party(person("Bibi", "Netanyahu"), actor=None)
    page = client_for("compliance").get(f"/compliance/hits/{hit.pk}/").content.decode()
    compared = re.search(r"<dt>Verglichen</dt><dd>(.*?)</dd>", page)
    assert compared is not None
    assert compared.group(1) == "Bibi ≈ Benjamin (1,00); Netanyahu ≈ NETANYAHU (1,00)"
    assert "21.10.1949" in page and "1949-10-21" not in page
