import duckdb
import pytest

from verbund.quality.bulk import clusters_of, detect, to_arrow
from verbund.quality.features import features, normalise_phone
from verbund.quality.matching import COMPARISONS, score_pair, sql_points


def org(**kw):
    base = {
        "kind": "organisation",
        "name": "Müller Bau GmbH",
        "street": "Hauptstraße 5",
        "postcode": "50667",
        "city": "Köln",
    }
    return features({**base, **kw})


def test_umlauts_and_legal_form_spellings_count_as_the_same_name():
    result = score_pair(
        org(id=1), org(id=2, name="Mueller Bau Gesellschaft mit beschränkter Haftung")
    )
    levels = {e.field: e.level for e in result.evidence}
    assert levels["name"] == "exact"
    assert levels["legal_form"] == "same"
    assert result.probability > 0.99


def test_street_abbreviations_and_phone_formats_agree():
    a = org(id=1, street="Hauptstr. 5", phone="0221 / 123456")
    b = org(id=2, street="Haupt-Straße 5", phone="+49 221 123456")
    levels = {e.field: e.level for e in score_pair(a, b).evidence}
    assert levels["street"] == "exact"
    assert levels["phone"] == "same"
    assert normalise_phone("(0221) 123-456") == "+49221123456"


def test_every_score_is_explained_by_its_weights():
    result = score_pair(
        org(id=1), org(id=2, name="Müller Bau AG", postcode="80331", city="München")
    )
    from verbund.quality.matching import PRIOR

    assert result.points == pytest.approx(PRIOR + sum(e.weight for e in result.evidence))
    assert {"name", "legal_form", "postcode", "city", "street"} <= {
        e.field for e in result.evidence
    }
    assert any(e.level == "different" and e.weight < 0 for e in result.evidence)


def test_different_vat_ids_outweigh_a_similar_name():
    a, b = org(id=1, vat_id="DE123456789"), org(id=2, vat_id="DE987654321")
    assert score_pair(a, b).probability < 0.5


def test_swapped_words_still_match():
    result = score_pair(
        org(id=1, name="Schmidt Elektro GmbH"), org(id=2, name="Elektro Schmidt GmbH")
    )
    assert result.probability > 0.9


def test_persons_match_by_name_birth_date_and_email():
    a = features(
        {
            "kind": "person",
            "first_name": "Jürgen",
            "last_name": "Weiß",
            "email": "j.weiss@firma.de",
            "birth_date": "1970-03-01",
        }
    )
    b = features(
        {
            "kind": "person",
            "first_name": "Juergen",
            "last_name": "Weiss",
            "email": "J.Weiss@firma.de",
            "birth_date": "1970-03-01",
        }
    )
    c = features(
        {
            "kind": "person",
            "first_name": "Anna",
            "last_name": "Weiss",
            "email": "a.weiss@firma.de",
            "birth_date": "1985-01-01",
        }
    )
    assert score_pair(a, b).probability > 0.99
    assert score_pair(a, c).probability < 0.5


def test_branches_of_one_group_at_other_addresses_are_excluded():
    a = org(id=1, group_root=9)
    b = org(id=2, group_root=9, street="Bahnhofstraße 1")
    assert score_pair(a, b).excluded == "same_group_other_address"
    assert score_pair(a, org(id=3, group_root=9)).excluded == ""


def test_records_of_one_erp_source_with_different_ids_are_erp_duplicates():
    a, b = org(id=1, erp_source="SAP", erp_id="1"), org(id=2, erp_source="SAP", erp_id="2")
    assert score_pair(a, b).category == "erp"
    assert score_pair(a, org(id=3, erp_source="NAV", erp_id="2")).category == "duplicate"


def test_the_bulk_sql_scores_exactly_like_python():
    recs = [
        org(id=1),
        org(id=2, name="Mueller Bau G.m.b.H.", phone="0221 1234", street="Hauptstr. 7"),
        org(id=3, name="Bau Müller AG", postcode="50668", vat_id="DE1"),
        org(id=4, name="Schulz Transporte KG", city="Koeln", phone="+49 221 1234", vat_id="DE2"),
        features(
            {
                "id": 5,
                "kind": "person",
                "first_name": "Max",
                "last_name": "Mustermann",
                "birth_date": "1980-01-02",
            }
        ),
        features(
            {
                "id": 6,
                "kind": "person",
                "first_name": "Mustermann",
                "last_name": "Max",
                "birth_date": "1980-02-01",
            }
        ),
    ]
    con = duckdb.connect()
    con.register("f", to_arrow(recs))
    for kind in ("organisation", "person"):
        rows = con.execute(
            f"SELECT l.id, r.id, {sql_points(kind)} FROM f l JOIN f r ON l.id < r.id WHERE l.kind = ? AND r.kind = ?",
            [kind, kind],
        ).fetchall()
        by_id = {r["id"]: r for r in recs}
        assert rows
        for a, b, points in rows:
            assert points == pytest.approx(score_pair(by_id[a], by_id[b]).points), (a, b)


def test_every_comparison_ends_with_a_catch_all_level():
    for comp in COMPARISONS:
        assert comp.levels[-1].sql == "TRUE" or comp.levels[-1].key == "different"


def test_bulk_detection_finds_pairs_and_clusters():
    recs = [
        org(id=1),
        org(id=2, name="Müller Bau G.m.b.H."),
        org(id=3, name="Mueller Bau GmbH"),
        org(id=4, name="Krause Optik OHG", street="Ring 1"),
    ]
    result = detect(to_arrow(recs), kind="organisation", threshold=0.9)
    assert {(p["a"], p["b"]) for p in result.pairs} == {(1, 2), (1, 3), (2, 3)}
    assert result.clusters == [[1, 2, 3]]


def test_clusters_join_chains_of_pairs():
    assert clusters_of([(1, 2), (3, 4), (2, 3), (7, 8)]) == [[1, 2, 3, 4], [7, 8]]


def test_parallel_features_equal_serial_features():
    from verbund.quality.bulk import features_table

    rows = [
        {
            "id": i,
            "kind": "organisation",
            "name": f"Müller {i} Bau GmbH",
            "phone": "0221 1234",
            "street": f"Hauptstr. {i}",
        }
        for i in range(1, 60)
    ]
    serial = features_table(rows, workers=1)
    parallel = features_table(rows, workers=2, chunk=7)
    assert serial.to_pylist() == parallel.to_pylist()


def test_english_street_directions_and_types_are_one_spelling():
    from verbund.quality.features import split_street

    assert split_street("West 25th Place 2610") == split_street("W. 25th 2610")
    assert split_street("South Wacker Drive 125") == ("swacker", "125")
    assert split_street("Westring 5") == ("westring", "5")


def test_records_without_postcode_meet_at_their_address():
    recs = [
        org(id=1, name="Kita Sonnenschein", postcode="", phone="0221 1111"),
        org(id=2, name="Sonnenschein Kindertagesstätte", phone="0221 2222"),
    ]
    result = detect(to_arrow(recs), kind="organisation", threshold=0.01)
    assert result.candidate_pairs == 1


def test_a_shared_mailbox_counts_little_in_bulk():
    # One group inbox at three addresses: the sister companies are not duplicates of each other.
    recs = [
        org(id=i, name=f"Agricon {unit} GmbH", street=f"Ring {i}", email="info@agricon.de")
        for i, unit in enumerate(("Logistik", "Leasing", "Technik"), start=1)
    ]
    result = detect(to_arrow(recs), kind="organisation", threshold=0.01)
    assert result.pairs
    assert all(p["levels"]["email"] == "shared" for p in result.pairs)
    assert all(p["probability"] < 0.9 for p in result.pairs)
    # Two addresses sharing one mailbox are not a shared mailbox yet: there it counts fully.
    two = detect(to_arrow(recs[:2]), kind="organisation", threshold=0.01)
    assert two.pairs[0]["levels"]["email"] == "same"
    assert two.pairs[0]["points"] - result.pairs[0]["points"] == 6.0


def test_a_switchboard_number_counts_little_in_bulk():
    # One central number at three addresses: the branches are not duplicates of each other.
    recs = [
        org(id=i, name=f"Autohaus Krause {town}", street=f"Ring {i}", phone="0221 999")
        for i, town in enumerate(("Nord", "Süd", "West"), start=1)
    ]
    # (Same street, other house numbers: the branch rule of decision 0031 lowers them further.)
    result = detect(to_arrow(recs), kind="organisation", threshold=0.01)
    assert result.pairs
    assert all(p["levels"]["phone"] == "switchboard" for p in result.pairs)
    assert all(p["probability"] < 0.9 for p in result.pairs)
    two = detect(to_arrow(recs[:2]), kind="organisation", threshold=0.01)
    assert two.pairs[0]["levels"]["phone"] == "same"


def test_names_that_differ_in_their_numbers_are_siblings_not_duplicates():
    # Numbered branches and project companies read alike but are different parties.
    a = org(id=1, name="Krause Getränke Filiale 0042", street="Ring 1")
    b = org(id=2, name="Krause Getränke Filiale 0043", street="Weg 1")
    scored = score_pair(a, b)
    assert {e.field: e.level for e in scored.evidence}["name"] == "numbers"
    assert scored.probability < 0.5
    bulk = detect(to_arrow([a, b]), kind="organisation", threshold=0.0)
    assert bulk.pairs[0]["levels"]["name"] == "numbers"
    # The same number, or no number at all, reads as before.
    same = score_pair(a, org(id=3, name="Krause Getraenke Filiale 0042", street="Ring 1"))
    assert {e.field: e.level for e in same.evidence}["name"] in ("exact", "jw95")
