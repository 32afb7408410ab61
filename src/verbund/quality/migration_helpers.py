"""Names used by quality's migrations (table names come from code, never from input)."""


def party_table() -> str:
    return "parties_party"
