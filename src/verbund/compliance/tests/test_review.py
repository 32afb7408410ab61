from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from verbund.compliance import annotations, sections
from verbund.compliance.actions import do_confirm_hit, do_dismiss_hit, do_screen_party
from verbund.compliance.merge import reassign, unassign
from verbund.compliance.models import Hit, HitStatus
from verbund.compliance.selectors import block_warning, is_blocked
from verbund.core.models import AuditRecord
from verbund.parties.actions import do_update_party


def test_confirming_a_hit_blocks_the_party_with_badge_annotation_and_warning(
    ofac: object, org: Callable[..., Any], reviewer: Any
) -> None:
    party = org("Banco Nacional de Cuba")
    hit = Hit.objects.get(party=party, entry_external_id="306")
    assert not is_blocked(party.pk)
    do_confirm_hit(hit, actor=reviewer, reason="same bank")
    assert is_blocked(party.pk)
    assert sections.party_badges(party)[0].css == "badge badge-danger"
    assert annotations.node_annotations([party.pk], "group", None)[party.pk]["blocked"] is True
    assert "BANCO NACIONAL DE CUBA" in block_warning(party.pk)
    assert AuditRecord.objects.filter(action="compliance.hit_confirm", party_id=party.pk).exists()


def test_a_dismissal_needs_a_reason_and_only_compliance_may_review(
    ofac: object, org: Callable[..., Any], reviewer: Any, make_user: Callable[..., Any]
) -> None:
    hit = Hit.objects.get(party=org("Banco Nacional de Cuba"), entry_external_id="306")
    with pytest.raises(ValidationError):
        do_dismiss_hit(hit, actor=reviewer, reason="  ")
    with pytest.raises(PermissionDenied):
        do_dismiss_hit(hit, actor=make_user("editor"), reason="looks fine")


def test_a_dismissal_is_remembered_until_the_party_changes(
    ofac: object, org: Callable[..., Any], reviewer: Any
) -> None:
    party = org("Banco Nacional de Cuba")
    hit = do_dismiss_hit(
        Hit.objects.get(party=party, entry_external_id="306"),
        actor=reviewer,
        reason="our customer in Madrid",
    )
    do_screen_party(party, actor=None)
    assert Hit.objects.get(pk=hit.pk).status == HitStatus.DISMISSED
    do_update_party(party, actor=None, name="Banco Nacional de Cuba SA")
    reopened = Hit.objects.get(pk=hit.pk)
    assert reopened.status == HitStatus.OPEN and reopened.reason == ""


@override_settings(VERBUND_SCREENING_FOUR_EYES=True)
def test_four_eyes_needs_a_second_reviewer(
    ofac: object, org: Callable[..., Any], reviewer: Any, reviewer2: Any
) -> None:
    party = org("Banco Nacional de Cuba")
    hit = do_confirm_hit(Hit.objects.get(party=party, entry_external_id="306"), actor=reviewer)
    assert hit.status == HitStatus.PENDING and not is_blocked(party.pk)
    with pytest.raises(ValidationError):
        do_confirm_hit(hit, actor=reviewer)
    hit = do_confirm_hit(hit, actor=reviewer2)
    assert (
        hit.status == HitStatus.CONFIRMED
        and hit.first_reviewer == reviewer
        and hit.reviewed_by == reviewer2
    )
    assert is_blocked(party.pk)


def test_a_merge_moves_hits_to_the_survivor_and_back(ofac: object, org: Callable[..., Any]) -> None:
    source = org("Banco Nacional de Cuba")
    survivor = org("Schmidt Elektro KG")
    moved = reassign(source, survivor, actor=None)
    assert Hit.objects.filter(party=survivor).count() == len(moved["compliance.hit"]) > 0
    unassign(moved, source, survivor, actor=None)
    assert not Hit.objects.filter(party=survivor).exists()


def test_the_edit_form_of_a_blocked_party_warns_and_offers_the_duplicate_hint(
    ofac: object, org: Callable[..., Any], reviewer: Any, make_user: Callable[..., Any], client: Any
) -> None:
    party = org("Banco Nacional de Cuba")
    client.force_login(make_user("admin", username="editor-of-forms"))
    page = client.get(f"/parties/{party.pk}/edit/").content.decode()
    assert 'data-testid="block-warning"' not in page
    assert 'hx-get="/quality/similar/"' in page and f'name="exclude" value="{party.pk}"' in page
    do_confirm_hit(
        Hit.objects.get(party=party, entry_external_id="306"), actor=reviewer, reason="same bank"
    )
    page = client.get(f"/parties/{party.pk}/edit/").content.decode()
    assert 'data-testid="block-warning"' in page and "BANCO NACIONAL DE CUBA" in page
