"""Human-readable numbers, unique and generated when not given."""

from django.db import transaction

from verbund.core.models import NumberSequence


def reserve(name: str, count: int = 1, start: int = 100001) -> int:
    """Reserve ``count`` consecutive values of sequence ``name``; return the first.

    The sequence row is locked for the rest of the caller's transaction, so two writers never
    get the same value. Bulk loaders reserve a whole block at once.
    """
    with transaction.atomic():
        seq, _ = NumberSequence.objects.select_for_update().get_or_create(
            name=name, defaults={"next_value": start}
        )
        first = seq.next_value
        seq.next_value = first + count
        seq.save(update_fields=["next_value"])
    return first


def bump_past(name: str, value: int) -> None:
    """Make sure the sequence continues after a number that was given explicitly."""
    with transaction.atomic():
        seq, _ = NumberSequence.objects.select_for_update().get_or_create(
            name=name, defaults={"next_value": value + 1}
        )
        if seq.next_value <= value:
            seq.next_value = value + 1
            seq.save(update_fields=["next_value"])
