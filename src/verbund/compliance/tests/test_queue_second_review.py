"""The queue offers "awaiting second review" only while four-eyes review is on, or while hits
still wait for a second review from a time it was on, so none are stranded."""

from collections.abc import Callable
from typing import Any

from django.test import Client, override_settings

from verbund.compliance import rules
from verbund.compliance.actions import do_confirm_hit
from verbund.compliance.models import Hit, HitStatus

# The pages speak German (the tests' own messages are English).
PENDING_LABEL = "Bestätigt, wartet auf Zweitprüfung"


def _queue(client: Client, query: str = "") -> str:
    response = client.get(f"/compliance/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _offers_pending(page: str) -> bool:
    return "?status=pending" in page or 'value="pending"' in page


@override_settings(VERBUND_SCREENING_FOUR_EYES=False)
def test_without_four_eyes_the_queue_offers_no_second_review(
    ofac: object, org: Callable[..., Any], client_for: Callable[[str], Client]
) -> None:
    org("Banco Nacional de Cuba")
    page = _queue(client_for("compliance"))
    assert PENDING_LABEL not in page and not _offers_pending(page)
    assert "Fehltreffer" in page  # the other statuses stay


@override_settings(VERBUND_SCREENING_FOUR_EYES=True)
def test_with_four_eyes_the_queue_offers_the_second_review_even_when_none_waits(
    ofac: object, org: Callable[..., Any], client_for: Callable[[str], Client]
) -> None:
    org("Banco Nacional de Cuba")
    page = _queue(client_for("compliance"))
    assert f"{PENDING_LABEL} (0)" in page and 'value="pending"' in page


def test_hits_left_waiting_from_four_eyes_stay_findable_after_it_is_switched_off(
    ofac: object,
    org: Callable[..., Any],
    reviewer: Any,
    reviewer2: Any,
    client_for: Callable[[str], Client],
) -> None:
    party = org("Banco Nacional de Cuba")
    with override_settings(VERBUND_SCREENING_FOUR_EYES=True):
        hit = do_confirm_hit(Hit.objects.get(party=party, entry_external_id="306"), actor=reviewer)
    assert hit.status == HitStatus.PENDING
    with override_settings(VERBUND_SCREENING_FOUR_EYES=False):
        client = client_for("compliance")
        page = _queue(client, "?status=pending")
        assert f"{PENDING_LABEL} (1)" in page and 'value="pending"' in page
        assert f"/compliance/hits/{hit.pk}/" in page
        # One more confirmation decides it; then nothing waits and the offer goes.
        assert do_confirm_hit(hit, actor=reviewer2).status == HitStatus.CONFIRMED
        assert not _offers_pending(_queue(client))


def test_the_first_reviewer_may_finish_a_waiting_hit_once_four_eyes_is_off(
    ofac: object, org: Callable[..., Any], reviewer: Any
) -> None:
    party = org("Banco Nacional de Cuba")
    with override_settings(VERBUND_SCREENING_FOUR_EYES=True):
        hit = do_confirm_hit(Hit.objects.get(party=party, entry_external_id="306"), actor=reviewer)
        assert rules.review_choices(hit, reviewer) == [rules.DISMISS]
    with override_settings(VERBUND_SCREENING_FOUR_EYES=False):
        # The page offers what the action allows: one reviewer suffices now.
        assert rules.review_choices(hit, reviewer) == [rules.CONFIRM, rules.DISMISS]
        assert do_confirm_hit(hit, actor=reviewer).status == HitStatus.CONFIRMED


@override_settings(VERBUND_SCREENING_FOUR_EYES=True)
def test_the_first_reviewer_reads_why_the_hit_offers_no_confirmation(
    ofac: object, org: Callable[..., Any], reviewer: Any, reviewer2: Any
) -> None:
    party = org("Banco Nacional de Cuba")
    hit = do_confirm_hit(Hit.objects.get(party=party, entry_external_id="306"), actor=reviewer)
    first, second = Client(), Client()
    first.force_login(reviewer)
    second.force_login(reviewer2)
    mine = first.get(f"/compliance/hits/{hit.pk}/").content.decode()
    assert "Vier-Augen-Prinzip" in mine and 'data-testid="confirm"' not in mine
    theirs = second.get(f"/compliance/hits/{hit.pk}/").content.decode()
    assert "second-review-note" not in theirs and 'data-testid="confirm"' in theirs
