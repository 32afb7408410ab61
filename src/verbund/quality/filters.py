"""The one FilterSet for duplicate candidates, shared by the review queue and the API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from verbund.core.filters import DefaultsFilterSet, IdFilter
from verbund.quality.models import CandidateCategory, CandidateStatus, DuplicateCandidate

# Best first; the id makes the order total (cursor paging and the UI's pages agree).
CANDIDATE_ORDER = ["-score", "id"]


class CandidateFilterSet(DefaultsFilterSet):
    """Open candidates unless ``status`` says otherwise (``?status=``: every status)."""

    defaults = {"status": CandidateStatus.OPEN}

    status = django_filters.ChoiceFilter(
        choices=CandidateStatus.choices,
        label=_("Status"),
        empty_label=_("all"),
        help_text=_("Default: open. An empty status= lists every status."),
    )
    category = django_filters.ChoiceFilter(
        choices=CandidateCategory.choices, label=_("Category"), empty_label=_("all")
    )
    party = IdFilter(method="filter_party", label=_("Party (either record)"))
    run = IdFilter(field_name="run_id", label=_("Run"))

    class Meta:
        model = DuplicateCandidate
        fields = ["status", "category", "party", "run"]

    def filter_party(
        self, queryset: QuerySet[DuplicateCandidate], name: str, value: int
    ) -> QuerySet[DuplicateCandidate]:
        return queryset.filter(Q(party_a_id=value) | Q(party_b_id=value))


def candidate_rows() -> QuerySet[DuplicateCandidate]:
    """Candidates with both parties joined, as the queue and the API show them."""
    return DuplicateCandidate.objects.select_related("party_a", "party_b")
