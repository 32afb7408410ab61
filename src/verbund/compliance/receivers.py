"""Triggers: screen a party when it is created or its screened fields change (and store its
name tokens for the delta screening, also for bulk loads); recompute ownership flags when a
share-carrying relationship changes.

Each reacts to the signal the owning domain's actions send (``parties.signals``,
``relationships.signals``) and does its work after the transaction commits, once per
transaction. One exception: a party row saved archived or merged loses its stored name tokens
through ``post_save``, since the erasure (decision 0025) writes party rows directly, and the
tokens hold personal data.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from verbund.compliance.screening import SCREENED_FIELDS


def on_party_saved(
    sender: Any, party: Any, created: bool, changed_fields: set[str], actor: Any, **kwargs: Any
) -> None:
    if not created and not (set(changed_fields) & SCREENED_FIELDS):
        return
    from verbund.compliance.actions import do_screen_party
    from verbund.compliance.list_updates import do_refresh_party_tokens

    do_refresh_party_tokens([party.pk])
    do_screen_party(party, actor=actor)
    if not created and "kind" in changed_fields:
        schedule_ownership()


def on_party_row_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A party archived, merged or erased (paths that save the row without ``party_saved``)
    loses its stored name tokens at once: they are derived from its name."""
    if instance.archived or instance.merged_into_id:
        from verbund.compliance.list_updates import do_refresh_party_tokens

        do_refresh_party_tokens([instance.pk])


def schedule_ownership() -> None:
    """Recompute ownership once after the current transaction commits, however many links changed."""
    conn = transaction.get_connection()
    if any(getattr(item[1], "verbund_ownership", False) for item in conn.run_on_commit):
        return

    def run() -> None:
        run.verbund_ownership = False  # type: ignore[attr-defined]
        from verbund.compliance.actions import do_recompute_ownership
        from verbund.compliance.models import Hit, HitStatus

        if Hit.objects.filter(status=HitStatus.CONFIRMED).exists() or _has_flags():
            do_recompute_ownership(actor=None)

    run.verbund_ownership = True  # type: ignore[attr-defined]
    transaction.on_commit(run)


def _has_flags() -> bool:
    from verbund.compliance.models import OwnershipFlag

    return OwnershipFlag.objects.exists()


def on_relationship_saved(sender: Any, relationship: Any, **kwargs: Any) -> None:
    if relationship.type.carries_share:
        schedule_ownership()


def on_bulk_loaded(
    sender: Any, party_ids: list[range], links_changed: bool = False, **kwargs: Any
) -> None:
    """Parties written by bulk loads (ERP imports) are screened too, as a background job after
    commit, so a large import is not held up; nothing to do while no list is loaded. Links
    written in bulk send no ``relationship_saved``: ownership is recomputed once after commit
    instead."""
    from verbund.compliance.screening import current_versions
    from verbund.compliance.tasks import screen_ranges_task

    ranges = [[r.start, r.stop - 1] for r in party_ids if len(r)]
    # The job also stores the parties' name tokens; without lists there is no delta screening
    # yet, and the first one derives whatever is missing (``do_sync_party_tokens``).
    if ranges and current_versions():
        transaction.on_commit(lambda: screen_ranges_task.enqueue(ranges))
    if links_changed:
        schedule_ownership()


def connect() -> None:
    from verbund.parties.models import Party
    from verbund.parties.signals import bulk_loaded, party_saved
    from verbund.relationships.signals import relationship_saved

    party_saved.connect(on_party_saved, dispatch_uid="verbund.compliance.screen_party")
    post_save.connect(
        on_party_row_saved, sender=Party, dispatch_uid="verbund.compliance.party_row_saved"
    )
    bulk_loaded.connect(on_bulk_loaded, dispatch_uid="verbund.compliance.screen_bulk")
    relationship_saved.connect(on_relationship_saved, dispatch_uid="verbund.compliance.rel_saved")
