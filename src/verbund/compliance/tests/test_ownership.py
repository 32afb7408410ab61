import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from verbund.compliance.actions import do_confirm_hit, do_dismiss_hit, do_recompute_ownership
from verbund.compliance.models import Hit, OwnershipFlag
from verbund.compliance.selectors import is_blocked
from verbund.relationships.actions import (
    do_create_relationship,
    do_create_relationship_type,
    do_end_relationship,
    do_reassign_party_links,
)


@pytest.fixture
def shareholder(db: Any) -> Any:
    return do_create_relationship_type(
        actor=None, key="shareholder", name_de="Beteiligung", name_en="Shareholding", label_forward_de="gehört teilweise",
        label_forward_en="is partly owned by", label_inverse_de="hält Anteile an", label_inverse_en="holds shares in",
        structure="network", from_kind="organisation", to_kind="organisation", carries_share=True,
    )  # fmt: skip


def _block(party: Any, reviewer: Any) -> None:
    for hit in Hit.objects.filter(party=party):
        do_confirm_hit(hit, actor=reviewer)


def test_aggregate_ownership_applies_the_ofac_and_eu_limits_recursively(
    ofac: object,
    org: Callable[..., Any],
    reviewer: Any,
    shareholder: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    bank = org("Banco Nacional de Cuba")
    airline = org("Aerocaribbean Airlines")
    target = org("Karibik Handel GmbH")
    below = org("Karibik Logistik GmbH")
    with django_capture_on_commit_callbacks(execute=True):
        do_create_relationship(
            actor=None, type=shareholder, from_party=target, to_party=bank, share=Decimal("30")
        )
        do_create_relationship(
            actor=None, type=shareholder, from_party=target, to_party=airline, share=Decimal("20")
        )
        do_create_relationship(
            actor=None, type="group", from_party=below, to_party=target, share=Decimal("60")
        )
    _block(bank, reviewer)
    _block(airline, reviewer)
    ofac_flag = OwnershipFlag.objects.get(party=target, regime="ofac")
    assert ofac_flag.share == Decimal("50")
    assert {tuple(c["path"]) for c in ofac_flag.chains} == {
        (bank.pk, target.pk),
        (airline.pk, target.pk),
    }
    # Exactly 50% is not "more than 50%".
    assert not OwnershipFlag.objects.filter(party=target, regime="eu_uk").exists()
    # The flagged entity's own 60% holding passes the block on (OFAC), naming the whole chain.
    below_flag = OwnershipFlag.objects.get(party=below, regime="ofac")
    assert [bank.pk, target.pk, below.pk] in [c["path"] for c in below_flag.chains]
    assert is_blocked(below.pk)


def test_a_changed_relationship_or_dismissed_hit_recomputes_the_flags(
    ofac: object,
    org: Callable[..., Any],
    reviewer: Any,
    shareholder: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    bank = org("Banco Nacional de Cuba")
    target = org("Karibik Handel GmbH")
    _block(bank, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        rel = do_create_relationship(
            actor=None, type=shareholder, from_party=target, to_party=bank, share=Decimal("75")
        )
    assert OwnershipFlag.objects.filter(party=target, regime="eu_uk").exists()
    with django_capture_on_commit_callbacks(execute=True):
        do_end_relationship(rel, actor=None, valid_to=dt.date.today() - dt.timedelta(days=1))
    assert not OwnershipFlag.objects.filter(party=target).exists()
    with django_capture_on_commit_callbacks(execute=True):
        rel2 = do_create_relationship(
            actor=None,
            type=shareholder,
            from_party=target,
            to_party=bank,
            share=Decimal("75"),
            valid_from=dt.date.today(),
        )
    assert OwnershipFlag.objects.filter(party=target).count() == 2
    for hit in Hit.objects.filter(party=bank):
        do_dismiss_hit(hit, actor=reviewer, reason="other bank")
    assert not OwnershipFlag.objects.filter(party=target).exists()
    assert rel2.pk
    assert do_recompute_ownership() == {"ofac": 0, "eu_uk": 0}


def test_a_share_link_moved_by_a_merge_moves_the_flag_to_the_survivor(
    ofac: object,
    org: Callable[..., Any],
    reviewer: Any,
    shareholder: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    bank = org("Banco Nacional de Cuba")
    target = org("Karibik Handel GmbH")
    survivor = org("Karibik Handel Gesellschaft")
    _block(bank, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        do_create_relationship(
            actor=None, type=shareholder, from_party=target, to_party=bank, share=Decimal("75")
        )
    assert OwnershipFlag.objects.filter(party=target).exists()
    with django_capture_on_commit_callbacks(execute=True):
        moved = do_reassign_party_links(target, survivor, actor=None)
    assert [m["result"] for m in moved["moved"]] == ["moved"]
    assert not OwnershipFlag.objects.filter(party=target).exists()
    # 75 % is over both limits: one flag per regime (OFAC, EU/UK).
    assert OwnershipFlag.objects.filter(party=survivor).count() == 2


def test_flags_are_read_in_order_without_joining_the_parties() -> None:
    # Ordered by "party", every query joined the party table and SQLite scanned it whole:
    # 0.1 s per query at 1M parties even with no flag at all.
    from verbund.compliance.models import OwnershipFlag

    sql = str(OwnershipFlag.objects.filter(regime="eu").query)
    assert "parties_party" not in sql and "ORDER BY" in sql


def test_the_blocked_share_reads_as_a_percentage_in_the_readers_language(
    ofac: object,
    org: Callable[..., Any],
    reviewer: Any,
    shareholder: Any,
    client_for: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.utils import translation

    from verbund.compliance.sections import _block_badges
    from verbund.compliance.selectors import block_warning

    bank, target = org("Banco Nacional de Cuba"), org("Karibik Handel GmbH")
    with django_capture_on_commit_callbacks(execute=True):
        do_create_relationship(
            actor=None, type=shareholder, from_party=target, to_party=bank, share=Decimal("60.5")
        )
    _block(bank, reviewer)
    with translation.override("en"):
        assert "owned 60.5% by blocked parties" in block_warning(target.pk)
        assert "60.5%" in _block_badges(target)[0].title
    with translation.override("de"):
        assert "zu 60,5\u00a0% im Besitz gesperrter Parteien" in block_warning(target.pk)
    client = client_for("compliance")
    client.cookies["django_language"] = "en"
    page = client.get(f"/compliance/parties/{target.pk}/", HTTP_ACCEPT_LANGUAGE="en").text
    assert ": 60.5%</p>" in page and "(60.5%)" in page
