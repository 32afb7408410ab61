"""The party list's hierarchy filter (added to ``PartyFilterSet``, see ``core.extensions``)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from verbund.core.filters import IdFilter
from verbund.hierarchies.selectors import group_member_ids
from verbund.parties.models import Party


def member_of_group(queryset: QuerySet[Party], name: str, value: int) -> QuerySet[Party]:
    """The members of the party's group today (the party itself included)."""
    return queryset.filter(pk__in=group_member_ids(int(value)))


def party_filters() -> dict[str, django_filters.Filter]:
    return {"group": IdFilter(method=member_of_group, label=_("Member of the group of party"))}
