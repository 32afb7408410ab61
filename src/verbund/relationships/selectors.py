"""Read-side queries for relationships, shared by the UI, API and CLI."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from verbund.parties.models import Party
from verbund.relationships.models import Relationship, valid_on_q


@dataclass(frozen=True)
class SeenRelationship:
    """A relationship as one party sees it: the label from its side and the other party."""

    relationship: Relationship
    forward: bool  # True when the party is the from-party

    @property
    def label(self) -> str:
        return self.relationship.type.label_from(self.forward)

    @property
    def other(self) -> Party:
        return self.relationship.to_party if self.forward else self.relationship.from_party


def party_relationships(
    party_id: int, *, on: dt.date | None = None, include_ended: bool = True
) -> QuerySet[Relationship]:
    """All relationships where the party stands on either side, with types and parties loaded."""
    qs = Relationship.objects.filter(Q(from_party_id=party_id) | Q(to_party_id=party_id))
    if on is not None:
        qs = qs.filter(valid_on_q(on))
    elif not include_ended:
        qs = qs.filter(valid_on_q(dt.date.today()) | Q(valid_from__gt=dt.date.today()))
    return qs.select_related("type", "from_party", "to_party").order_by(
        "type__order", "type__key", "-valid_from", "id"
    )


def seen_from(
    party_id: int, relationships: QuerySet[Relationship] | list[Relationship]
) -> list[SeenRelationship]:
    return [SeenRelationship(rel, rel.from_party_id == party_id) for rel in relationships]


def describe_party(party: Party) -> dict[str, Any]:
    """The party's relationships for ``verbund party show`` (see ``core.extensions``)."""
    return {
        "relationships": [
            {
                "id": seen.relationship.pk,
                "type": seen.relationship.type.key,
                "label": seen.label,
                "other_party_id": seen.other.pk,
                "other_party_number": seen.other.number,
                "other_party_name": seen.other.name,
                "valid_from": seen.relationship.valid_from.isoformat()
                if seen.relationship.valid_from
                else None,
                "valid_to": seen.relationship.valid_to.isoformat()
                if seen.relationship.valid_to
                else None,
            }
            for seen in seen_from(party.pk, party_relationships(party.pk))
        ]
    }
