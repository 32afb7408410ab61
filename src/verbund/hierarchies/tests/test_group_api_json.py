"""The group change log and the holdings are written by hand for speed (decision 0047); their
serializers stay the schema. Each hand-built answer equals what its serializer writes."""

import datetime as dt
from decimal import Decimal

from verbund.hierarchies.group_api import (
    ChangeSerializer,
    HoldingSerializer,
    change_json,
    holding_json,
)

REF = {"id": 7, "number": "100007", "name": "Müller GmbH"}


def test_a_hand_built_change_is_what_its_serializer_writes():
    changes = [
        {
            "date": dt.date(2026, 3, 1), "kind": "joined", "party": REF, "from_parent": None,
            "to_parent": REF | {"id": 8}, "share_before": None, "share_after": Decimal("0.51"),
            "relationship_id": 3, "ended_relationship_id": None, "members": 4,
        },
        {
            "date": dt.date(2026, 4, 30), "kind": "moved", "party": REF,
            "from_parent": REF | {"id": 9}, "to_parent": REF | {"id": 8},
            # More places than the schema's four: the field's own rounding decides.
            "share_before": Decimal("0.123450"), "share_after": Decimal("0.1234500001"),
            "relationship_id": 5, "ended_relationship_id": 4, "members": 1,
        },
        {
            "date": dt.date(2026, 5, 2), "kind": "left", "party": REF, "from_parent": REF,
            "to_parent": None, "share_before": Decimal("1"), "share_after": None,
            "relationship_id": 6, "ended_relationship_id": 6, "members": 0,
        },
    ]  # fmt: skip
    for change in changes:
        assert change_json(change) == dict(ChangeSerializer(change).data)


def test_a_hand_built_holding_is_what_its_serializer_writes():
    for party, share in (
        (REF | {"kind": "organisation"}, Decimal("0.25")),
        (REF | {"kind": "person"}, Decimal("0.333333333")),
        (REF | {"kind": "organisation"}, Decimal("1.00005")),
    ):
        holding = {"party": party, "effective_share": share}
        assert holding_json(holding) == dict(HoldingSerializer(holding).data)
