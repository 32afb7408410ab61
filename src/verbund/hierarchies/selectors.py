"""Hierarchy queries shared by the UI, API and CLI (filled in by the hierarchy engine)."""


def group_member_ids(party_id: int) -> list[int]:
    return [party_id]
