"""Duplicates that learn (#19.3): trained weights, the stored model, the branch rules."""

import random

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from verbund.core.models import AuditRecord
from verbund.parties.models import Party
from verbund.quality import actions, rules
from verbund.quality.bulk import BLOCKING_RULES, detect, to_arrow
from verbund.quality.features import features
from verbund.quality.matching import DEFAULT_THRESHOLD, Weights, comparisons_for, score_pair
from verbund.quality.models import MatchModel
from verbund.quality.training import train_counts

pytestmark = pytest.mark.django_db


def _org(name, street, postcode="50667", city="Köln", **more):
    return features({"kind": "organisation", "name": name, "street": street,
                     "postcode": postcode, "city": city, **more})  # fmt: skip


def _pattern(**levels):
    return tuple(levels.get(c.key) for c in comparisons_for("organisation"))


def _toy_model():
    """Weights trained on counted patterns where duplicates often moved (other street)."""
    rules_ = [("phone",), ("name_key",)]
    same = {"name": "exact", "house": "moved", "postcode": "same", "city": "same"}
    candidates = {
        (_pattern(**same, street="exact", phone="same"), (True, True)): 400,
        (_pattern(**same, street="different", phone="same"), (True, True)): 400,
        (_pattern(name="different", street="different", house="moved", postcode="different",
                  city="different", phone="same"), (True, False)): 200,
        (_pattern(name="exact", street="different", house="moved", postcode="different",
                  city="different", phone="different"), (False, True)): 100,
    }  # fmt: skip
    random_counts = {
        _pattern(name="different", street="different", house="moved", postcode="different",
                 city="different", phone="different"): 69_000,
        _pattern(name="different", street="different", house="moved", postcode="different",
                 city="same", phone="different"): 30_000,
        _pattern(name="exact", street="exact", house="different", postcode="same", city="same",
                 phone="different"): 20,
        _pattern(name="different", street="different", house="moved", postcode="same",
                 city="same", phone="different"): 980,
    }  # fmt: skip
    return train_counts("organisation", candidates, rules_, random_counts, all_pairs=5e6)


def test_trained_weights_change_a_pairs_score_in_the_expected_direction():
    weights, est = _toy_model()
    # Half the duplicates in these records have another street: that says less against a
    # match than the fixed weights assume, so a same-name pair in another street scores higher.
    assert weights.points["street"]["different"] > -2.0
    a = _org("Schmitz Bau GmbH", "Hauptstraße 5", phone="0221 111")
    b = _org("Schmitz Bau GmbH", "Ringstraße 9", phone="0221 111")
    assert score_pair(a, b, weights).points > score_pair(a, b).points
    # ... and the evidence shows the trained weight.
    street = next(e for e in score_pair(a, b, weights).evidence if e.field == "street")
    assert street.weight == weights.points["street"]["different"]
    assert est.sessions and all(s["converged"] for s in est.sessions)


def test_training_never_learns_the_branch_levels():
    weights, _est = _toy_model()
    learnt = {(c, lv) for c, levels in weights.points.items() for lv in levels}
    assert not {(c, lv) for _k, c, lv in rules.BRANCH_LEVELS} & learnt
    assert ("name", "exact") in learnt


@pytest.mark.parametrize("trained", [False, True])
def test_same_street_other_house_number_is_not_a_duplicate(trained):
    model = _toy_model()[0] if trained else None
    a = _org("Bäckerei Schmitz GmbH", "Hauptstraße 5")
    b = _org("Bäckerei Schmitz GmbH", "Hauptstraße 17")
    result = score_pair(a, b, model)
    assert result.probability < DEFAULT_THRESHOLD
    levels = {e.field: e.level for e in result.evidence}
    assert levels["street"] == "other_house" and levels["house"] == "different"
    # The same house number stays a duplicate.
    assert score_pair(a, _org("Bäckerei Schmitz GmbH", "Hauptstr. 5"), model).probability > 0.9


@pytest.mark.parametrize("trained", [False, True])
def test_branches_with_other_numbers_are_not_duplicates(trained):
    model = _toy_model()[0] if trained else None
    a = _org("Edeka Markt Filiale 12", "Hauptstraße 5")
    b = _org("Edeka Markt Filiale 14", "Bahnhofstraße 2")
    assert score_pair(a, b, model).probability < DEFAULT_THRESHOLD
    # Leading zeros are no other number.
    c = _org("Edeka Markt Filiale 012", "Hauptstraße 5")
    assert {e.level for e in score_pair(a, c, model).evidence if e.field == "name"} != {"numbers"}
    assert score_pair(a, c, model).probability > 0.9
    # A name that adds a number to the other's (its house number) is no other branch.
    d = _org("Edeka Markt Filiale 12 Hauptstraße 5", "Hauptstraße 5")
    assert {e.level for e in score_pair(a, d, model).evidence if e.field == "name"} != {"numbers"}


def test_the_same_chain_name_at_several_addresses_is_not_merged():
    streets = ["Hauptstraße 5", "Bahnhofstraße 2", "Ringstraße 40", "Domplatz 1"]
    rows = [{**_org("Rossmann GmbH", s), "id": i + 1} for i, s in enumerate(streets)]
    # One real duplicate of the first branch (same address, name written differently).
    rows.append({**_org("Rossmann G.m.b.H.", "Hauptstr. 5"), "id": 9})
    result = detect(to_arrow(rows), kind="organisation")
    found = {(p["a"], p["b"]) for p in result.pairs}
    assert found == {(1, 9)}
    assert [sorted(c) for c in result.clusters] == [[1, 9]]


def test_the_bulk_run_and_the_single_pair_agree_on_the_branch_levels():
    rows = [
        {**_org("Bäckerei Schmitz GmbH", "Hauptstraße 5", phone="0221 1"), "id": 1},
        {**_org("Bäckerei Schmitz GmbH", "Hauptstraße 17", phone="0221 1"), "id": 2},
        {**_org("Edeka Filiale 0012", "Hauptstraße 5", phone="0221 1"), "id": 3},
        {**_org("Edeka Filiale 12", "Hauptstraße 5", phone="0221 1"), "id": 4},
    ]
    by_id = {r["id"]: r for r in rows}
    # Fixed weights, and the training path (levels kept as positions, scored from them).
    for train in (False, True):
        result = detect(to_arrow(rows), kind="organisation", threshold=0.0001, train=train)
        assert len(result.pairs) == result.candidate_pairs == 4
        for pair in result.pairs:
            single = score_pair(by_id[pair["a"]], by_id[pair["b"]], result.model)
            assert {e.field: e.level for e in single.evidence} == {
                k: v for k, v in pair["levels"].items() if v
            }
            assert abs(single.points - pair["points"]) < 1e-6


def _bulk_orgs(n, seed=5):
    """n organisations, a fifth of them with a duplicate (a typo or another house number)."""
    rng = random.Random(seed)
    words = ["Müller", "Schmitz", "Bau", "Elektro", "Holz", "Technik", "Handel", "Service",
             "Nord", "Rhein", "Meyer", "Kraft", "Logistik", "Druck", "Optik", "Glas"]  # fmt: skip
    streets = ["Hauptstraße", "Ringstraße", "Bahnhofstraße", "Domweg", "Lindenallee"]
    parties = []
    for i in range(n):
        name = f"{rng.choice(words)} {rng.choice(words)} {i} GmbH"
        fields = {
            "kind": "organisation",
            "name": name,
            "street": f"{rng.choice(streets)} {rng.randrange(1, 300)}",
            "postcode": f"{50000 + rng.randrange(800):05d}",
            "city": "Köln",
            "phone": f"0221 {rng.randrange(100000, 999999)}",
            "country": "DE",
        }
        parties.append(Party(number=f"T{i:06d}", **fields))
        if rng.random() < 0.2:
            dup = {**fields, "name": name.replace("GmbH", "G.m.b.H.")}
            parties.append(Party(number=f"T{i:06d}D", **dup))
    Party.objects.bulk_create(parties, batch_size=500)


def test_a_model_is_trained_from_the_records_and_stored_with_its_date(capsys):
    _bulk_orgs(rules.MIN_RECORDS)
    call_command("dedupe", "--train")
    model = MatchModel.objects.get()
    assert model.kind == "organisation"
    assert model.trained_at.date() == timezone.now().date()
    assert model.records == Party.objects.filter(kind="organisation").count()
    assert model.pairs > 0 and model.weights["name"]["exact"] > 0
    assert model.details["sessions"] and model.details["random_pairs"] > 0
    assert AuditRecord.objects.filter(action="quality.model_train").count() == 1
    out = capsys.readouterr().out
    assert f"Modell {model.pk} auf {model.records:,} Datensätzen".replace(",", ".") in out
    # Later runs score with it.
    from verbund.quality.detection import current_model

    assert current_model("organisation") == model


def test_training_on_a_tiny_database_keeps_the_fixed_weights_and_says_so(org):
    org("Müller Bau GmbH")
    org("Mueller Bau GmbH")
    with pytest.raises(CommandError) as err:
        call_command("dedupe", "--train")
    assert "1.000" in str(err.value)
    assert not MatchModel.objects.exists()
    from verbund.quality.detection import current_model

    # A stored model is not used while the kind has fewer records than the rule asks.
    actions.do_store_model(
        kind="organisation",
        records=5000,
        weights=Weights(kind="organisation", prior=-10.0, points={"name": {"exact": 12.0}}),
        details={"pairs": 10},
        actor=None,
    )
    assert current_model("organisation") is None


def test_the_queue_shows_the_stored_model_with_its_date(org, make_user):
    org("Müller Bau GmbH")
    stored = actions.do_store_model(
        kind="organisation",
        records=5000,
        weights=Weights(kind="organisation", prior=-10.0, points={"name": {"exact": 12.5}}),
        details={"pairs": 1234},
        actor=None,
    )
    c = Client()
    c.force_login(make_user("steward"))
    page = c.get("/quality/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'data-testid="match-models"' in page
    # The page shows the local date: near midnight it is not the UTC one.
    assert timezone.localtime(stored.trained_at).strftime("%d.%m.%Y") in page
    assert "12,50" in page  # the trained weight, German number format
    assert "5.000 Datensätzen (1.234 Kandidatenpaare)" not in page  # not in use: see below
    # Only one live organisation: the page says the fixed weights are in use.
    assert "feste Gewichte: ein Modell vom" in page


def test_the_blocking_rules_of_persons_find_swapped_names():
    assert ("name_sorted",) in BLOCKING_RULES["person"]


def test_with_enough_records_the_queue_and_the_comparison_use_the_trained_weights(org, make_user):
    _bulk_orgs(rules.MIN_RECORDS)
    a = org("Müller Bau GmbH", street="Ring 1")
    b = org("Müller Bau GmbH", street="Ring 1")
    actions.do_store_model(
        kind="organisation",
        records=5000,
        weights=Weights(kind="organisation", prior=-10.0, points={"name": {"exact": 12.5}}),
        details={"pairs": 1234},
        actor=None,
    )
    c = Client()
    c.force_login(make_user("steward"))
    page = c.get("/quality/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "trainierte Gewichte vom" in page
    assert "5.000 Datensätzen (1.234 Kandidatenpaare)" in page
    compare = c.get(f"/quality/compare/{a.pk}/{b.pk}/", HTTP_ACCEPT_LANGUAGE="de")
    assert '<td class="num">12,5</td>' in compare.content.decode()


def test_a_street_written_with_an_addition_is_the_same_street_in_both_paths():
    rows = [
        {**_org("Kita Sonnenschein", "Am Markt 5", phone="0221 1"), "id": 1},
        {**_org("Kita Sonnenschein e.V.", "Markt 5", phone="0221 2"), "id": 2},
    ]
    single = score_pair(rows[0], rows[1])
    levels = {e.field: e.level for e in single.evidence}
    assert levels["street"] == "contained" and levels["house"] == "same"
    bulk = detect(to_arrow(rows), kind="organisation", threshold=0.0001).pairs
    assert bulk[0]["levels"]["street"] == "contained" and bulk[0]["levels"]["house"] == "same"
    assert abs(bulk[0]["points"] - single.points) < 1e-6


def test_train_answers_in_json_and_refuses_to_fill_the_queue_at_the_same_time(capsys):
    import json

    _bulk_orgs(rules.MIN_RECORDS, seed=9)
    with pytest.raises(CommandError):
        call_command("dedupe", "--train", "--save")
    assert not MatchModel.objects.exists()
    call_command("dedupe", "--train", "--json")
    answer = json.loads(capsys.readouterr().out)
    model = MatchModel.objects.get()
    assert answer["model"] == model.pk and answer["kind"] == "organisation"
    assert answer["trained_at"].startswith(timezone.now().date().isoformat())
    assert answer["weights"] == model.weights


def test_a_run_records_and_shows_which_weights_scored_it(make_user):
    from verbund.quality.detection import execute_run
    from verbund.quality.models import DedupeRun

    _bulk_orgs(rules.MIN_RECORDS, seed=3)
    c = Client()
    c.force_login(make_user("steward"))
    first = DedupeRun.objects.create(kind="organisation")
    assert execute_run(first.pk)["model"] is None
    page = c.get(f"/quality/runs/{first.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "feste Gewichte" in page
    call_command("dedupe", "--train")
    model = MatchModel.objects.get()
    second = DedupeRun.objects.create(kind="organisation")
    assert execute_run(second.pk)["model"]["id"] == model.pk
    page = c.get(f"/quality/runs/{second.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert f"trainiertes Modell {model.pk} vom {model.trained_at:%d.%m.%Y}" in page


def test_whether_the_model_is_used_is_decided_without_counting_every_record(org, monkeypatch):
    """The comparison asks ``current_model`` on every request: it counts the live records no
    further than ``MIN_RECORDS`` (and not at all without a model), with the same answer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from verbund.quality import detection, rules

    for i in range(4):
        org(f"Zählung {i} GmbH")
    assert detection.live_records("organisation", up_to=3) == 3
    assert detection.live_records("organisation") == 4
    with CaptureQueriesContext(connection) as ctx:
        assert detection.current_model("organisation") is None
    assert len(ctx.captured_queries) == 1 and "COUNT" not in ctx.captured_queries[0]["sql"]
    model = actions.do_store_model(
        kind="organisation",
        records=4,
        weights=Weights(kind="organisation", prior=-10.0, points={"name": {"exact": 12.0}}),
        details={"pairs": 1},
        actor=None,
    )
    for minimum, used in ((4, model), (5, None)):
        monkeypatch.setattr(rules, "MIN_RECORDS", minimum)
        monkeypatch.setattr(detection, "MIN_RECORDS", minimum)
        with CaptureQueriesContext(connection) as ctx:
            assert detection.current_model("organisation") == used
        assert f"LIMIT {minimum}" in ctx.captured_queries[-1]["sql"]
