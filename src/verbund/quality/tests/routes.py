"""Who may use the quality API: declarations for the role matrix (core.testing)."""

from verbund.core.testing import EVERYONE, FORM_OK, STEWARDS, Page, Route, World
from verbund.parties.actions import do_create_party
from verbund.quality.actions import (
    do_create_run,
    do_mark_not_duplicate,
    do_merge,
    do_record_candidates,
)
from verbund.quality.models import DuplicateCandidate

ROUTES = [
    Route("quality-candidate-list"),
    Route("quality-candidate-detail", kwargs={"pk": "candidate"}),
    Route(
        "quality-candidate-not-duplicate",
        "post",
        STEWARDS,
        kwargs={"pk": "candidate"},
        body=lambda w: {"note": "Filialen"},
    ),
    # Withdrawing "not a duplicate" asks for what its page asks for (delete_notduplicate).
    Route("quality-candidate-reopen", "post", STEWARDS, kwargs={"pk": "rejected"}),
    Route("quality-merge-list"),
    Route(
        "quality-merge-list",
        "post",
        STEWARDS,
        body=lambda w: {"source": w["b"], "survivor": w["a"]},
        ok=(201,),
    ),
    # The plan runs the merge and rolls it back: who may merge may plan.
    Route(
        "quality-merge-plan",
        "post",
        STEWARDS,
        body=lambda w: {"sources": [w["b"]], "survivor": w["a"]},
    ),
    Route("quality-merge-detail", kwargs={"pk": "merge"}),
    Route("quality-merge-undo", "post", STEWARDS, kwargs={"pk": "merge"}),
    Route("quality-run-list"),
    Route(
        "quality-run-list",
        "post",
        STEWARDS,
        body=lambda w: {"kind": "organisation", "threshold": 0.9},
        ok=(201,),
    ),
    Route("quality-run-detail", kwargs={"pk": "run"}),
    # A read that takes a body: everyone who may read parties.
    Route("quality-similar-api", "post", EVERYONE, body=lambda w: {"name": "Müller Bau"}),
]


def world() -> World:
    a = do_create_party(actor=None, name="Müller Bau GmbH", city="Köln")
    b = do_create_party(actor=None, name="Mueller Bau GmbH", city="Köln")
    run = do_create_run(actor=None)
    c = do_create_party(actor=None, name="Meyer Optik KG", city="Bonn")
    d = do_create_party(actor=None, name="Meier Optik KG", city="Bonn")
    do_record_candidates(
        [
            {"a": a.pk, "b": b.pk, "probability": 0.95, "points": 9.0, "cluster": 1},
            {"a": c.pk, "b": d.pk, "probability": 0.9, "points": 8.0, "cluster": 2},
        ],
        actor=None,
        run=run,
    )
    do_mark_not_duplicate(c, d, actor=None, note="Zwei Filialen")
    merged = do_merge(
        do_create_party(actor=None, name="Schulz KG"),
        do_create_party(actor=None, name="Schulz KG", city="Bonn"),
        actor=None,
    )
    return {
        "a": a.pk,
        "b": b.pk,
        "run": run.pk,
        "c": c.pk,
        "d": d.pk,
        "candidate": DuplicateCandidate.objects.get(party_a_id__in=(a.pk, b.pk)).pk,
        "rejected": DuplicateCandidate.objects.get(party_a_id__in=(c.pk, d.pk)).pk,
        "cluster": 1,
        "merge": merged.pk,
    }


ROUTES += [
    Page("quality-queue"),
    Page("quality-start-run", "post", STEWARDS, ok=FORM_OK),
    Page("quality-similar", query={"name": "Müller Bau"}),
    # A candidate opens as the comparison of its two parties.
    Page("quality-candidate", kwargs={"candidate_id": "candidate"}, ok=(302,)),
    Page("quality-compare", kwargs={"a": "a", "b": "b"}),
    Page("quality-merge-do", "post", STEWARDS, kwargs={"a": "a", "b": "b"}, ok=FORM_OK),
    Page("quality-not-duplicate", "post", STEWARDS, kwargs={"a": "a", "b": "b"}, ok=FORM_OK),
    Page("quality-reopen-pair", "post", STEWARDS, kwargs={"a": "c", "b": "d"}, ok=FORM_OK),
    Page("quality-run", kwargs={"pk": "run"}),
    Page("quality-cluster", kwargs={"number": "cluster"}, ok=(302,)),
    Page("quality-cluster-compare", query=lambda w: {"party": [w["a"], w["b"]]}),
    Page(
        "quality-cluster-merge",
        "post",
        STEWARDS,
        query=lambda w: {"party": [w["a"], w["b"]]},
        ok=FORM_OK,
    ),
    Page("quality-merge", kwargs={"merge_id": "merge"}),
    Page("quality-undo", "post", STEWARDS, kwargs={"merge_id": "merge"}, ok=FORM_OK),
]
