"""The party FilterSet copies its filters per instance (shallowly, see its __init__)."""

from typing import Any

import pytest
from django.http import QueryDict

from verbund.parties.actions import do_create_party
from verbund.parties.filters import party_filterset

pytestmark = pytest.mark.django_db


def test_each_filterset_has_its_own_filters_and_method_filters_call_it(admin_user: Any) -> None:
    do_create_party(actor=admin_user, kind="organisation", name="Alpha GmbH", city="Köln")
    do_create_party(actor=admin_user, kind="organisation", name="Beta KG", city="Bonn")
    cls = party_filterset()
    first = cls(QueryDict("city=köln"))
    second = cls(QueryDict("city=BONN&q=Beta"))
    for name, filter_ in first.filters.items():
        assert filter_ is not second.filters[name]
        assert filter_ is not cls.base_filters[name]
        assert filter_.parent is first and second.filters[name].parent is second
    # filter_city and filter_q are method filters: each runs on its own FilterSet.
    assert [p.name for p in first.qs] == ["Alpha GmbH"]
    assert [p.name for p in second.qs] == ["Beta KG"]
    assert getattr(cls.base_filters["city"], "parent", None) is None
