"""``FastReadMixin`` gives what DRF's own ``to_representation`` gives, byte for byte, for every
field kind its plan handles and for values of unexpected types; serializers it cannot plan
for are rendered by DRF."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from verbund.core.models import AuditRecord
from verbund.core.serializers_fast import (
    CHOICE,
    FIELD,
    MANY,
    OWN,
    RAW,
    TEXT,
    WHOLE,
    YES_NO,
    FastReadMixin,
    plan_for,
)


class StockAudit(serializers.ModelSerializer):
    choice = serializers.ChoiceField(
        source="action", choices=[("party.create", "Created"), (1, "One")], read_only=True
    )
    amount = serializers.DecimalField(
        source="party_id", max_digits=30, decimal_places=2, read_only=True
    )
    raw = serializers.ReadOnlyField(source="object_type")
    count = serializers.IntegerField(source="object_id", read_only=True)
    changes = serializers.CharField(source="changed_fields", read_only=True)

    class Meta:
        model = AuditRecord
        fields = [
            "id", "at", "actor", "action", "choice", "object_type", "object_id", "object_repr",
            "party_id", "amount", "raw", "count", "changes", "note",
        ]  # fmt: skip


class FastAudit(FastReadMixin, StockAudit):
    pass


class StockUser(serializers.ModelSerializer):
    group_names: serializers.SlugRelatedField[Group] = serializers.SlugRelatedField(
        source="groups", slug_field="name", many=True, read_only=True
    )

    class Meta:
        model = User
        fields = [
            "id", "username", "first_name", "email", "is_staff", "is_active", "last_login",
            "date_joined", "groups", "group_names",
        ]  # fmt: skip


class FastUser(FastReadMixin, StockUser):
    pass


def outcome(serializer: serializers.Serializer, instance: Any) -> tuple[Any, ...]:
    """What rendering gives: the JSON bytes, the keys and each value's type, or the error."""
    try:
        data = serializer.to_representation(instance)
    except Exception as exc:
        return ("error", type(exc), str(exc))
    types = [(key, type(value)) for key, value in data.items()]
    return ("ok", JSONRenderer().render(data), types)


def stock_outcome(fast_class: type, instance: Any) -> tuple[Any, ...]:
    serializer = fast_class()
    try:
        data = serializers.ModelSerializer.to_representation(serializer, instance)
    except Exception as exc:
        return ("error", type(exc), str(exc))
    types = [(key, type(value)) for key, value in data.items()]
    return ("ok", JSONRenderer().render(data), types)


def assert_same(fast_class: type, stock_class: type, instance: Any) -> tuple[Any, ...]:
    fast = outcome(fast_class(), instance)
    assert fast == outcome(stock_class(), instance)
    assert fast == stock_outcome(fast_class, instance)
    return fast


texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
# Values a column holds after a load, and some it holds only before a save (an int in a text
# column, a bool in a number column), which DRF's field converts.
text_values = st.one_of(texts, st.none(), st.integers(-5, 5), st.just(""))
whole_values = st.one_of(st.integers(-(2**63), 2**63 - 1), st.none(), st.booleans())
flag_values = st.one_of(st.booleans(), st.none(), st.sampled_from([0, 1, "true", "no", "x"]))
moments = st.one_of(
    st.none(),
    st.datetimes(
        min_value=dt.datetime(1900, 1, 1),
        max_value=dt.datetime(2200, 1, 1),
        timezones=st.one_of(st.none(), st.timezones()),
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    pk=st.one_of(st.none(), st.integers(1, 2**63 - 1)),
    at=moments,
    actor_id=st.one_of(st.none(), st.integers(1, 10**12)),
    action=st.one_of(text_values, st.sampled_from(["party.create", "1", 1])),
    object_type=text_values,
    object_id=st.one_of(text_values, st.integers(-(10**20), 10**20)),
    object_repr=text_values,
    party_id=whole_values,
    note=text_values,
)
def test_an_audit_record_renders_as_drf_renders_it(**values: Any) -> None:
    record = AuditRecord(**{k: v for k, v in values.items() if k != "pk"})
    record.pk = values["pk"]
    assert_same(FastAudit, StockAudit, record)


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pk=st.one_of(st.none(), st.integers(1, 10**9)),
    username=text_values,
    first_name=text_values,
    email=text_values,
    is_staff=flag_values,
    is_active=flag_values,
    last_login=moments,
    date_joined=moments,
    groups=st.one_of(st.none(), st.lists(st.tuples(st.integers(1, 99), texts), max_size=3)),
)
def test_a_user_renders_as_drf_renders_it(**values: Any) -> None:
    groups = values.pop("groups")
    user = User(**{k: v for k, v in values.items() if k != "pk"})
    user.pk = values["pk"]
    if groups is not None:
        # What prefetch_related("groups") leaves on a loaded user.
        user._prefetched_objects_cache = {"groups": [Group(id=i, name=n) for i, n in groups]}
    assert_same(FastUser, StockUser, user)


def test_the_plans_read_columns_directly_and_leave_the_rest_to_the_fields() -> None:
    audit = plan_for(FastAudit)
    user = plan_for(FastUser)
    assert audit is not None and user is not None
    kinds = {step.name: step.kind for step in (*audit.steps, *user.steps)}
    assert kinds == {
        "id": WHOLE,
        "at": OWN,
        "actor": RAW,
        "action": TEXT,
        "choice": CHOICE,
        "object_type": TEXT,
        "object_id": TEXT,
        "object_repr": TEXT,
        "party_id": WHOLE,
        "amount": OWN,
        "raw": RAW,
        "count": WHOLE,
        "changes": FIELD,
        "note": TEXT,
        "username": TEXT,
        "first_name": TEXT,
        "email": TEXT,
        "is_staff": YES_NO,
        "is_active": YES_NO,
        "last_login": OWN,
        "date_joined": OWN,
        "groups": MANY,
        "group_names": MANY,
    }


def test_values_of_each_kind_render_as_drf_renders_them() -> None:
    record = AuditRecord(
        id=7,
        at=dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),
        actor_id=3,
        action="1",
        object_type="party",
        object_id="42",
        object_repr="Müller & Söhne GmbH \N{EN DASH} Köln ✓",
        party_id=12345,
        note="",
    )
    ok, rendered, _types = assert_same(FastAudit, StockAudit, record)
    assert ok == "ok"
    assert rendered == (
        b'{"id":7,"at":"2026-03-29T03:30:00+02:00","actor":3,"action":"1","choice":1,'
        b'"object_type":"party","object_id":"42","object_repr":"M\xc3\xbcller & S\xc3\xb6hne '
        b'GmbH \xe2\x80\x93 K\xc3\xb6ln \xe2\x9c\x93","party_id":12345,"amount":"12345.00",'
        b'"raw":"party","count":42,"changes":"[]","note":""}'
    )


def test_a_time_zone_of_the_request_is_the_one_datetimes_are_shown_in() -> None:
    record = AuditRecord(
        id=1, at=dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC), action="x", object_id="1"
    )
    with timezone.override("America/New_York"):
        fast = FastAudit().to_representation(record)
        assert_same(FastAudit, StockAudit, record)
    assert fast["at"] == "2026-07-01T08:00:00-04:00"


def test_a_settings_change_makes_the_plan_again() -> None:
    record = AuditRecord(id=2**40, action="x", object_id="1", party_id=5)
    assert FastAudit().to_representation(record)["id"] == 2**40
    with override_settings(REST_FRAMEWORK={"COERCE_BIGINT_TO_STRING": True}):
        assert_same(FastAudit, StockAudit, record)
        assert FastAudit().to_representation(record)["id"] == str(2**40)
    assert FastAudit().to_representation(record)["id"] == 2**40


class StockWithMethod(serializers.ModelSerializer):
    shout = serializers.SerializerMethodField()

    class Meta:
        model = AuditRecord
        fields = ["id", "action", "shout", "before"]

    def get_shout(self, record: AuditRecord) -> str:
        return f"{record.action}!{self.context.get('suffix', '')}"


class FastWithMethod(FastReadMixin, StockWithMethod):
    pass


def test_a_serializer_with_a_field_the_plan_does_not_know_is_rendered_by_drf() -> None:
    assert plan_for(FastWithMethod) is None
    record = AuditRecord(id=1, action="go", before={"a": Decimal("1.5")})
    fast = FastWithMethod(context={"suffix": "?"}).to_representation(record)
    assert fast == StockWithMethod(context={"suffix": "?"}).to_representation(record)
    assert fast["shout"] == "go!?"


def test_something_other_than_a_row_of_the_model_is_rendered_by_drf() -> None:
    row = {"id": 4, "at": None, "actor": None, "action": "party.create", "object_type": "t"}
    row |= {"object_id": "9", "object_repr": "", "party_id": None, "note": "n"}
    row |= {"changed_fields": "[]"}
    fast = outcome(FastAudit(), row)
    assert fast[0] == "ok"
    assert fast == outcome(StockAudit(), row)


@pytest.mark.django_db
def test_groups_that_were_not_prefetched_are_read_from_the_database() -> None:
    user = User.objects.create_user("fast-read")
    user.groups.add(Group.objects.get(name="viewer"), Group.objects.get(name="editor"))
    loaded = User.objects.get(pk=user.pk)
    fast = FastUser().to_representation(loaded)
    assert fast == StockUser().to_representation(loaded)
    assert sorted(fast["group_names"]) == ["editor", "viewer"]
