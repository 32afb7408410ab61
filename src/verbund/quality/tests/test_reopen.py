"""A "not a duplicate" decision can be withdrawn: from the comparison page, through the API, by
whoever may delete such decisions (stewards); the suggestion is open again and the audit
says who withdrew what. Undoing a merge asks the API for what the merge page asks for."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from verbund.core.models import AuditRecord
from verbund.quality.actions import (
    do_mark_not_duplicate,
    do_merge,
    do_record_candidates,
    do_reopen_pair,
)
from verbund.quality.models import CandidateStatus, DuplicateCandidate, MergeRecord, NotDuplicate

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(org):
    a = org("Meyer Optik KG", city="Bonn")
    b = org("Meier Optik KG", city="Bonn", street="Ring 2")
    do_record_candidates(
        [{"a": a.pk, "b": b.pk, "probability": 0.9, "points": 8.0, "cluster": 1}], actor=None
    )
    do_mark_not_duplicate(a, b, actor=None, note="Zwei Filialen")
    return a, b, DuplicateCandidate.objects.get()


def test_withdrawing_the_decision_opens_the_suggestion_again_and_is_audited(rejected, make_user):
    a, b, candidate = rejected
    steward = make_user("steward")
    do_reopen_pair(b, a, actor=steward)
    assert not NotDuplicate.objects.exists()
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.OPEN
    records = AuditRecord.objects.filter(action="quality.reopen_pair")
    assert sorted(r.party_id for r in records) == sorted([a.pk, b.pk])
    assert {r.actor_id for r in records} == {steward.pk}
    assert records[0].before["note"] == "Zwei Filialen"


def test_a_pair_that_is_not_marked_cannot_be_withdrawn(org):
    a, b = org("A GmbH"), org("B GmbH")
    with pytest.raises(ValidationError) as caught:
        do_reopen_pair(a, b, actor=None)
    assert "nicht als verschiedene Adressen markiert" in caught.value.messages[0]
    assert not AuditRecord.objects.filter(action="quality.reopen_pair").exists()


def test_the_comparison_shows_the_decision_and_a_steward_withdraws_it(rejected, client_for):
    a, b, candidate = rejected
    steward = client_for("steward")
    url = f"/quality/compare/{a.pk}/{b.pk}/"
    page = steward.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'data-testid="decision"' in page
    assert "Als verschiedene Adressen markiert" in page and "Zwei Filialen" in page
    assert 'data-testid="reopen"' in page
    answer = steward.post(f"{url}reopen/", follow=True, HTTP_ACCEPT_LANGUAGE="de")
    assert answer.redirect_chain[-1][0] == url
    assert "Entscheidung zurückgenommen" in answer.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.OPEN
    # Withdrawn, the page offers the decision again instead.
    assert 'data-testid="decision"' not in answer.content.decode()


def test_withdrawing_twice_says_why_instead_of_failing(rejected, client_for):
    a, b, _candidate = rejected
    steward = client_for("steward")
    url = f"/quality/compare/{a.pk}/{b.pk}/reopen/"
    steward.post(url)
    answer = steward.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="de")
    assert answer.status_code == 200
    assert "nicht als verschiedene Adressen markiert" in answer.content.decode()


def test_a_viewer_sees_that_the_pair_was_decided_but_not_who_decided_or_why(rejected, client_for):
    a, b, _candidate = rejected
    viewer = client_for("viewer")
    page = viewer.get(
        f"/quality/compare/{a.pk}/{b.pk}/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    # The decision's note and decider are the stewards' (view_notduplicate); the badge is not.
    assert "Als keine Dublette markiert" in page
    assert 'data-testid="decision"' not in page and "Zwei Filialen" not in page
    assert viewer.post(f"/quality/compare/{a.pk}/{b.pk}/reopen/").status_code == 403
    assert NotDuplicate.objects.exists()


def test_a_steward_withdraws_through_the_api_and_a_second_time_is_a_conflict(rejected, api_for):
    _a, _b, candidate = rejected
    api = api_for("steward")
    url = f"/api/v1/quality/candidates/{candidate.pk}/reopen/"
    first = api.post(url)
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "open"
    second = api.post(url)
    assert second.status_code == 409
    assert "nicht als verschiedene Adressen markiert" in second.json()["non_field_errors"][0]


def test_deciding_does_not_mean_withdrawing_in_the_api_or_on_the_page(rejected, make_user):
    from django.test import Client
    from rest_framework.test import APIClient

    a, b, candidate = rejected
    decider = make_user(None, username="decider")
    decider.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="quality",
            codename__in=["add_notduplicate", "view_duplicatecandidate", "view_notduplicate"],
        )
    )
    api = APIClient()
    api.force_authenticate(decider)
    assert api.post(f"/api/v1/quality/candidates/{candidate.pk}/reopen/").status_code == 403
    page = Client()
    page.force_login(decider)
    assert page.post(f"/quality/compare/{a.pk}/{b.pk}/reopen/").status_code == 403
    assert NotDuplicate.objects.exists()


def test_undoing_a_merge_asks_the_api_for_what_the_merge_page_asks(org, make_user):
    from rest_framework.test import APIClient

    record = do_merge(org("Schulz KG"), org("Schulz KG", city="Bonn"), actor=None)
    merger = make_user(None, username="merger")
    merger.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="quality", codename__in=["add_mergerecord", "view_mergerecord"]
        )
    )
    api = APIClient()
    api.force_authenticate(merger)
    assert api.post(f"/api/v1/quality/merges/{record.pk}/undo/").status_code == 403
    assert MergeRecord.objects.get(pk=record.pk).undone_at is None
