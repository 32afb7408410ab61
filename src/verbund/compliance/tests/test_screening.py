import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from verbund.compliance.actions import do_import_list, do_screen_parties, do_screen_party
from verbund.compliance.matching import EntryRecord, Index, Query
from verbund.compliance.models import Hit, HitStatus, ScreeningRun
from verbund.compliance.tests import fixtures
from verbund.core.models import AuditRecord
from verbund.parties.actions import do_update_party


def fixtures_word(i: int) -> str:
    """A made-up name word per number ("Bab", "Bac", ...)."""
    letters = "bcdfghklmnprstvz"
    return "Ba" + letters[i // 16 % 16] + "o" + letters[i % 16]


def _index(*entries: tuple[str, str, list[dict[str, Any]], dict[str, Any]]) -> Index:
    recs = []
    for i, (schema, name, names, extra) in enumerate(entries):
        rec = EntryRecord(
            list_id=1, entry_id=i, external_id=str(i), content_hash="h", schema=schema, name=name,
            countries=frozenset(extra.get("countries", ())), birth_dates=tuple(extra.get("birth_dates", ())),
            identifiers=tuple(extra.get("identifiers", ())),
        )  # fmt: skip
        recs.append((rec, names or [{"name": name, "weak": False}]))
    return Index(recs)


def test_word_order_legal_forms_transliteration_and_typos_still_match() -> None:
    index = _index(
        ("organisation", "KRASNY OKTYABR OOO", [], {}),
        ("person", "Muhammad ZAYDAN", [], {}),
        ("person", "Oleg Valentinovich DERIPASKA", [{"name": "Олег Дерипаска", "weak": False}], {}),
    )
    assert (
        index.screen(Query("organisation", ["Oktyabr Krasny GmbH"]), 0.7)[0].entry.external_id
        == "0"
    )
    assert index.screen(Query("person", ["Mohammed Zaidan"]), 0.7)[0].entry.external_id == "1"
    assert index.screen(Query("person", ["Oleg Deripaska"]), 0.7)[0].entry.external_id == "2"
    assert index.screen(Query("person", ["Oleg Deripasca"]), 0.7)[0].entry.external_id == "2"
    assert index.screen(Query("person", ["Олег Дерипаска"]), 0.7)[0].entry.external_id == "2"


def test_a_shared_first_name_alone_is_not_a_hit() -> None:
    index = _index(
        ("person", "Bernd Guenter DIEGELMANN", [], {}), ("organisation", "GROSS", [], {})
    )
    assert index.screen(Query("person", ["Bernd Günther"]), 0.7) == []
    assert index.screen(Query("organisation", ["Groß Stahl KG"]), 0.7) == []


def test_a_weak_alias_weighs_less_than_a_strong_name() -> None:
    index = _index(
        (
            "organisation",
            "BANCO NACIONAL DE CUBA",
            [
                {"name": "BANCO NACIONAL DE CUBA", "weak": False},
                {"name": "BNC HOLDING", "weak": True},
            ],
            {},
        )
    )
    weak = index.screen(Query("organisation", ["BNC Holding"]), 0.5)[0]
    assert weak.explanation["weak_alias"] is True
    assert (
        weak.score < index.screen(Query("organisation", ["Banco Nacional de Cuba"]), 0.5)[0].score
    )


def test_a_one_word_name_two_letters_off_a_list_name_is_not_a_hit() -> None:
    index = _index(("organisation", "INKOTEKH", [], {}), ("organisation", "ARTEKS LIMITED", [], {}))
    assert index.screen(Query("organisation", ["Innotex GmbH"]), 0.7) == []
    assert index.screen(Query("organisation", ["Thertex GmbH"]), 0.7) == []
    # One letter off is still a typo of the listed name.
    assert index.screen(Query("organisation", ["Inkotex GmbH"]), 0.7)[0].entry.external_id == "0"


def test_a_mistyped_or_dotted_legal_form_does_not_count_as_a_name_word() -> None:
    index = _index(
        ("organisation", "NORDSTRAND LTD.", [], {}),
        ("organisation", "RUSTANKER LLC", [], {}),
        ("organisation", "MERIDEIS D.O.O.", [], {}),
    )
    assert index.screen(Query("organisation", ["Nordstrand GbH"]), 0.7)[0].entry.external_id == "0"
    assert index.screen(Query("organisation", ["Rustanker Curp."]), 0.7)[0].entry.external_id == "1"
    assert index.screen(Query("organisation", ["D.O.O. Merideis"]), 0.7)[0].entry.external_id == "2"
    assert index.screen(Query("organisation", ["Merideis S.R.L."]), 0.7)[0].entry.external_id == "2"


def test_a_name_word_one_letter_off_a_legal_form_stays_a_name_word() -> None:
    index = _index(
        ("organisation", "STACK TELECOM LTD", [], {}), ("organisation", "SARA II", [], {})
    )
    assert index.screen(Query("organisation", ["Stack Telecom GmbH"]), 0.7)[0].score > 0.9
    assert index.screen(Query("organisation", ["Telecom GmbH"]), 0.7) == []
    assert index.screen(Query("organisation", ["II GmbH"]), 0.7) == []


def test_hyphenated_and_split_names_match_written_as_one_word() -> None:
    index = _index(
        ("person", "'Umar AL-KUBAYSI", [], {}),
        ("person", "Abdulkadir Omar ABDULLAHI", [], {}),
    )
    assert index.screen(Query("person", ["Umar Alkubaysi"]), 0.7)[0].entry.external_id == "0"
    assert (
        index.screen(Query("person", ["Abd Alkadir Omar Abdullahi"]), 0.7)[0].entry.external_id
        == "1"
    )


def test_a_name_made_of_common_words_finds_its_own_entry() -> None:
    # More names share "muhammad" and "ali" than make candidates on their own (Index.DF_CAP);
    # a rare variant spelling ("muhammed") must not hide the common spellings' postings.
    common = [
        ("person", f"Muhammad {fixtures_word(i)} ALI", [], {}) for i in range(Index.DF_CAP + 10)
    ]
    index = _index(
        *common, ("person", "Muhammed KARIMI", [], {}), ("person", "Muhammad 'ALI", [], {})
    )
    found = {m.entry.name for m in index.screen(Query("person", ["Ali Muhammad"]), 0.7)}
    assert "Muhammad 'ALI" in found


def test_person_names_differing_only_in_vowels_match_but_company_names_do_not() -> None:
    index = _index(
        ("person", "Saeed AGHAJANI", [], {}), ("organisation", "KORUS CONSULTING", [], {})
    )
    assert index.screen(Query("person", ["Said Aghajani"]), 0.7)[0].entry.external_id == "0"
    assert index.screen(Query("person", ["Sead Aghajani"]), 0.7)[0].entry.external_id == "0"
    assert index.screen(Query("organisation", ["Ceres Consulting GmbH"]), 0.7) == []


def test_eastern_european_legal_forms_are_dropped_from_company_names_only() -> None:
    index = _index(
        ("organisation", "KONTRAKT OOO", [], {}),
        ("organisation", "INTTRAFIK EOOD", [], {}),
        ("person", "OU Wei", [], {}),
    )
    assert index.screen(Query("organisation", ["Kontrakt OÜ"]), 0.7)[0].entry.external_id == "0"
    assert index.screen(Query("organisation", ["PAO Kontrakt"]), 0.7)[0].entry.external_id == "0"
    assert index.screen(Query("organisation", ["Inttrafik OOD"]), 0.7)[0].entry.external_id == "1"
    # In a person's name "Ou" is a surname, not a legal form.
    assert index.screen(Query("person", ["Wei Li"]), 0.7) == []


def test_a_typo_in_a_five_letter_word_counts_as_a_typo_in_five_letters() -> None:
    # "Thein" is spelled "tein" canonically; as written, "Thefn" is one typo in five letters.
    index = _index(("person", "Thein NYUNT", [], {}), ("person", "Andrey SKOCH", [], {}))
    assert index.screen(Query("person", ["Thefn Nyunt"]), 0.7)[0].entry.external_id == "0"
    # A four-letter word one letter off a five-letter one gets no typo allowance (0.8, not
    # 0.88); with a consonant put in front it is another name besides (decision 0008 point 20).
    koch = index.screen(Query("person", ["Andrea Koch"]), 0.0)[0].explanation["tokens"]
    assert ["koch", "skokh", 0.7] in koch
    index = _index(("person", "Andrey KOCHS", [], {}))
    kochs = index.screen(Query("person", ["Andrea Koch"]), 0.0)[0].explanation["tokens"]
    assert ["koch", "kokhs", 0.8] in kochs


def test_a_single_letter_in_front_is_also_tried_joined_to_the_next_word() -> None:
    index = _index(("organisation", "D'AGOSTINO & COMPANY, LTD", [], {}))
    assert index.screen(Query("organisation", ["D Agostino Korp."]), 0.7)[0].score > 0.9


def test_a_mistyped_word_of_a_written_out_legal_form_is_not_a_name_word() -> None:
    index = _index(("organisation", "JOINT STOCK COMPANY CLASS", [], {}))
    assert index.screen(Query("organisation", ["Joict Stock Company Class"]), 0.7)[0].score > 0.9
    # Outside the phrase, or with its first letter changed, such a word is a name.
    assert index.screen(Query("organisation", ["Point Stock Company Class"]), 0.7) == []


def test_a_vessel_named_like_a_company_weighs_less_than_a_company() -> None:
    index = _index(("vessel", "ARGON STAR", [], {}), ("organisation", "ARGON STAR", [], {}))
    vessel, company = sorted(
        index.screen(Query("organisation", ["Argon Star GmbH"]), 0.5), key=lambda m: m.score
    )
    assert vessel.entry.schema == "vessel"
    assert vessel.explanation["asset"] is True
    assert vessel.score < company.score


def test_birth_date_and_country_move_the_score_only_when_both_sides_have_them() -> None:
    index = _index(
        ("person", "Abu ABBAS", [], {"birth_dates": ["1948-12-10"], "countries": ["IQ"]})
    )
    plain = index.screen(Query("person", ["Abu Abbas"]), 0.0)[0].score
    same = index.screen(
        Query("person", ["Abu Abbas"], birth_date=dt.date(1948, 12, 10), country="IQ"), 0.0
    )[0]
    other = index.screen(
        Query("person", ["Abu Abbas"], birth_date=dt.date(1980, 1, 1), country="DE"), 0.0
    )[0]
    assert same.score >= plain > other.score
    assert {q["kind"] for q in other.explanation["qualifiers"]} == {"birth_date", "country"}
    assert other.score < 0.7


def test_an_identical_identifier_matches_regardless_of_the_name() -> None:
    index = _index(
        (
            "organisation",
            "NORDSTERN TRADING LLC",
            [],
            {"identifiers": [("lei", "5299001ABCDEFGHIJ123")]},
        )
    )
    match = index.screen(
        Query("organisation", ["Completely Different GmbH"], identifiers=["5299001abcdefghij123"]),
        0.7,
    )[0]
    assert match.score >= 0.98 and match.explanation["qualifiers"][0]["kind"] == "identifier"


def test_a_german_register_number_without_its_court_is_no_identifier_match() -> None:
    # OFAC writes "Registration Number HRB 48319 (Germany)": many register courts have an
    # HRB 48319. A Cyprus or Swiss register number names one company.
    index = _index(
        (
            "organisation",
            "NORDSTERN TRADING GMBH",
            [],
            {"identifiers": [("register", "HRB48319"), ("register", "HE130354")]},
        ),
        (
            "organisation",
            "SUEDSTERN LIMITED",
            [],
            {"identifiers": [("register", "CH-020.4.068.609-3")]},
        ),
    )

    def names(*identifiers: str) -> list[str]:
        query = Query("organisation", ["Completely Different GmbH"], identifiers=list(identifiers))
        return [m.entry.name for m in index.screen(query, 0.7)]

    assert names("HRB 48319") == []
    assert names("HE 130354") == ["NORDSTERN TRADING GMBH"]
    assert names("CH-020.4.068.609-3") == ["SUEDSTERN LIMITED"]


def test_creating_a_party_screens_it_at_once(ofac: object, person: Callable[..., Any]) -> None:
    p = person("Mohammed", "Zaydan", birth_date=dt.date(1948, 12, 10))
    hit = Hit.objects.get(party=p)
    assert hit.entry_external_id == "2674" and hit.status == HitStatus.OPEN
    assert hit.score >= 0.8
    assert AuditRecord.objects.filter(action="compliance.screen_party", party_id=p.pk).exists()


def test_an_unrelated_change_does_not_screen_again(ofac: object, org: Callable[..., Any]) -> None:
    party = org("Nordstern Trading GmbH")
    hit = Hit.objects.get(party=party)
    Hit.objects.filter(pk=hit.pk).update(score=0.1)
    do_update_party(party, actor=None, phone="+49 221 1234")
    assert Hit.objects.get(pk=hit.pk).score == 0.1
    do_update_party(party, actor=None, name="Nordstern Trading Hamburg GmbH")
    assert Hit.objects.get(pk=hit.pk).score > 0.1


def test_screen_all_records_a_run_and_marks_vanished_matches_obsolete(
    ofac: object, org: Callable[..., Any]
) -> None:
    a = org("Banco Nacional de Cuba")
    org("Müller Bau GmbH")
    run = do_screen_parties(actor=None)
    assert run.status == "finished" and run.total == 2 and run.hit_count >= 1
    Hit.objects.filter(party=a).update(status=HitStatus.OPEN)
    do_update_party(a, actor=None, name="Meier Logistik GmbH")
    assert not Hit.objects.filter(party=a, status=HitStatus.OPEN).exists()
    assert AuditRecord.objects.filter(action="compliance.screen_run").count() == 1


def test_a_list_update_screens_parties_against_new_entries_only(
    ofac: object, org: Callable[..., Any]
) -> None:
    party = org("Krasny Oktyabr GmbH")
    assert not Hit.objects.filter(party=party).exists()
    do_import_list("ofac-csv", [("sdn.csv", fixtures.OFAC_SDN_V2)], actor=None)
    hit = Hit.objects.get(party=party)
    assert hit.entry_external_id == "7777"
    assert ScreeningRun.objects.filter(trigger="list_update").count() == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_bulk_screening_matches_single_screening(
    ofac: object, org: Callable[..., Any], workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forked or not, a bulk run finds what screening one party finds. The forked run reads
    its chunks (of one party each here) on the test's own connection, inside its
    transaction."""
    from verbund.compliance import actions

    monkeypatch.setattr(actions, "CHUNK", 1)
    parties = [
        org(n) for n in ("Aerocaribbean Airlines SA", "Schmidt Elektro KG", "National Bank of Cuba")
    ]
    single = {
        p.pk: sorted(Hit.objects.filter(party=p).values_list("entry_external_id", flat=True))
        for p in parties
    }
    Hit.objects.all().delete()
    run = do_screen_parties(actor=None, workers=workers)
    assert run.done == run.total == len(parties)
    bulk = {
        p.pk: sorted(Hit.objects.filter(party=p).values_list("entry_external_id", flat=True))
        for p in parties
    }
    assert bulk == single and single[parties[0].pk] == ["36"] and single[parties[1].pk] == []


def test_a_few_parties_by_id_are_shared_among_the_workers_one_chunk_each_and_match_alike(
    ofac: object, org: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from verbund.compliance import actions
    from verbund.core import forking

    names = (
        "Aerocaribbean Airlines SA",
        "Schmidt Elektro KG",
        "National Bank of Cuba",
        "Abu Abbas",
    )
    parties = [org(n) for n in names]
    single = set(Hit.objects.values_list("party_id", "entry_external_id"))
    Hit.objects.all().delete()
    monkeypatch.setattr(actions, "FORK_FROM", 3)
    # The test runner's own threads (xdist, earlier pools) would count as a web server's.
    monkeypatch.setattr(forking.threading, "active_count", lambda: 1)
    pools: list[int] = []
    in_order = forking.in_order

    def counted(fn: Any, tasks: Any, workers: int, inherit: Any = None) -> Any:
        pools.append(workers)
        return in_order(fn, tasks, workers, inherit)

    monkeypatch.setattr(forking, "in_order", counted)
    sizes: list[int] = []
    party_rows = actions._party_rows

    def sized(ids: Any, size: int = actions.CHUNK) -> Any:
        for rows in party_rows(ids, size):
            sizes.append(len(rows))
            yield rows

    monkeypatch.setattr(actions, "_party_rows", sized)
    run = do_screen_parties(actor=None, party_ids=[p.pk for p in parties], workers=2)
    assert run.done == len(parties) and pools == [2] and sizes == [2, 2]
    assert set(Hit.objects.values_list("party_id", "entry_external_id")) == single
    assert ("36" in {e for _p, e in single}) and len(single) >= 2
    # Below FORK_FROM parties, or beside other threads (a web server's), one process.
    pools.clear()
    do_screen_parties(actor=None, party_ids=[parties[0].pk, parties[1].pk], workers=2)
    monkeypatch.setattr(forking.threading, "active_count", lambda: 2)
    do_screen_parties(actor=None, party_ids=[p.pk for p in parties], workers=2)
    assert pools == [1, 1]


def test_parties_written_by_a_bulk_load_are_screened_after_commit(
    ofac, django_capture_on_commit_callbacks
) -> None:
    from verbund.relationships.bulk import do_bulk_load

    with django_capture_on_commit_callbacks(execute=True):
        ids = do_bulk_load(
            lambda load: load.insert_parties(
                [{"kind": "organisation", "name": "Banco Nacional de Cuba SA", "country": "CU"}]
            )
        )
    assert Hit.objects.filter(party_id=ids[0]).exists()


def _hit_by_a_short_form(person: Callable[..., Any]) -> Hit:
    """ "Bibi Netanyahu"'s hit on a listed "Benjamin NETANYAHU" (decision 0008 point 17)."""
    sdn = b'7001,"NETANYAHU, Benjamin","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a'
    do_import_list("ofac-csv", [("sdn.csv", sdn)], actor=None)
    return do_screen_party(person("Bibi", "Netanyahu"), actor=None)[0]


@pytest.mark.django_db
def test_a_hit_through_another_form_of_a_given_name_is_no_weak_alias_on_the_hit_page(
    person: Callable[..., Any], client_for: Callable[[str], Any]
) -> None:
    # "Bibi" finds the listed "Benjamin" as a weak spelling (decision 0008 point 17); the
    # list does not call "Benjamin NETANYAHU" a weak alias, so the page must not either.
    hit = _hit_by_a_short_form(person)
    assert hit.explanation["short_form"] is True and hit.explanation["weak_alias"] is False
    # The page speaks German, the UI's default.
    page = client_for("compliance").get(f"/compliance/hits/{hit.pk}/").content.decode()
    assert "gefunden über eine andere Form eines Vornamens" in page
    assert "schwacher Alias" not in page


def test_a_hit_stored_before_short_forms_were_told_apart_still_shows_its_weak_alias(
    person: Callable[..., Any], client_for: Callable[[str], Any]
) -> None:
    # Stored explanations have no "short_form" (and said weak_alias for a short form): the page
    # shows what they say until the next screening rewrites them.
    hit = _hit_by_a_short_form(person)
    old = {k: v for k, v in hit.explanation.items() if k != "short_form"} | {"weak_alias": True}
    Hit.objects.filter(pk=hit.pk).update(explanation=old)
    page = client_for("compliance").get(f"/compliance/hits/{hit.pk}/").content.decode()
    assert "schwacher Alias" in page
    assert "gefunden über eine andere Form eines Vornamens" not in page
