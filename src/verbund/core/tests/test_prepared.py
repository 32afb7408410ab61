"""core.prepared: a query compiled once returns, for any values, what its queryset returns."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from verbund.core.models import AuditRecord
from verbund.core.prepared import Prepared
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship, valid_on_q

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(admin_user: Any) -> list[Party]:
    head = do_create_party(actor=admin_user, kind="organisation", name="Kopf AG", city="Köln")
    out = [head]
    for i, city in enumerate(["Köln", "Bonn", "Köln"]):
        member = do_create_party(
            actor=admin_user, kind="organisation", name=f"Filiale {i}", city=city
        )
        do_create_relationship(
            actor=admin_user,
            type="group",
            from_party=member,
            to_party=head,
            valid_from=dt.date(2020, 1, 1) if i else None,
            valid_to=dt.date(2021, 12, 31) if i == 2 else None,
        )
        out.append(member)
    return out


def _rows(party: int, today: dt.date) -> Any:
    return (
        Relationship.objects.filter(Q(from_party_id=party) | Q(to_party_id=party))
        .filter(valid_on_q(today))
        .select_related("type", "from_party", "to_party")
        .order_by("id")
    )


def test_model_rows_with_related_records_are_the_querysets_for_every_value(
    parties: list[Party],
) -> None:
    prepared = Prepared(_rows, party=int, today=dt.date)
    for party in parties:
        for today in (dt.date(2019, 6, 1), dt.date(2021, 6, 1), dt.date(2024, 6, 1)):
            got = prepared(party=party.pk, today=today)
            want = list(_rows(party.pk, today))
            assert [r.pk for r in got] == [r.pk for r in want]
            for a, b in zip(got, want, strict=True):
                assert (a.valid_from, a.valid_to, a.type.key) == (
                    b.valid_from,
                    b.valid_to,
                    b.type.key,
                )
                assert a.from_party.name == b.from_party.name
                assert a.to_party.name == b.to_party.name


def test_values_annotations_flat_and_named_rows_are_the_querysets(parties: list[Party]) -> None:
    head = parties[0].pk

    def counts_of(party: int) -> Any:
        return (
            Relationship.objects.filter(to_party_id=party)
            .values("type_id")
            .annotate(n=Count("id"), current=Count("id", filter=Q(valid_to__isnull=True)))
        )

    counts = Prepared(counts_of, party=int)
    (row,) = counts(party=head)
    assert row == {"type_id": row["type_id"], "n": 3, "current": 2}
    assert counts(party=head) == list(counts_of(head))
    assert counts(party=parties[1].pk) == []
    flat = Prepared(
        lambda city: Party.objects.filter(city=city).order_by("pk").values_list("pk", flat=True),
        city=str,
    )
    assert flat(city="Köln") == [parties[0].pk, parties[1].pk, parties[3].pk]
    assert flat(city="Bonn") == [parties[2].pk]
    assert flat(city="Nirgendwo") == []
    named = Prepared(
        lambda pk: Party.objects.filter(pk=pk).values_list("name", "city", named=True), pk=int
    )
    (row,) = named(pk=parties[2].pk)
    assert (row.name, row.city) == ("Filiale 1", "Bonn")


def test_a_datetime_argument_is_compared_as_the_orm_would(parties: list[Party]) -> None:
    since = Prepared(
        lambda after: AuditRecord.objects.filter(at__gt=after).values_list("pk", flat=True),
        after=dt.datetime,
    )
    assert set(since(after=timezone.now() - dt.timedelta(hours=1))) == set(
        AuditRecord.objects.values_list("pk", flat=True)
    )
    assert since(after=timezone.now() + dt.timedelta(hours=1)) == []


def test_it_is_compiled_once_and_runs_one_query_per_call(parties: list[Party]) -> None:
    built = []

    def build(pk: int) -> Any:
        built.append(pk)
        return Party.objects.filter(pk=pk)

    prepared = Prepared(build, pk=int)
    with CaptureQueriesContext(connection) as queries:
        names = [prepared(pk=p.pk)[0].name for p in parties]
    assert names == [p.name for p in parties]
    assert len(built) == 1
    assert len(queries) == len(parties)


def test_a_value_the_orm_rewrites_is_refused_when_first_called(parties: list[Party]) -> None:
    prepared = Prepared(lambda word: Party.objects.filter(name__icontains=word), word=str)
    with pytest.raises(TypeError, match="rewrote"):
        prepared(word="Kopf")


def test_an_argument_that_never_reaches_the_sql_is_refused(parties: list[Party]) -> None:
    prepared = Prepared(lambda pk, city: Party.objects.filter(pk=pk), pk=int, city=str)
    with pytest.raises(TypeError, match="not in the SQL"):
        prepared(pk=1, city="Köln")


@pytest.mark.parametrize(
    "values",
    [{"pk": None}, {"pk": "1"}, {}, {"pk": 1, "other": 2}],
)
def test_a_missing_none_or_mistyped_value_is_refused(values: dict[str, Any]) -> None:
    prepared = Prepared(lambda pk: Party.objects.filter(pk=pk), pk=int)
    with pytest.raises(TypeError):
        prepared(**values)


def test_a_naive_datetime_is_refused() -> None:
    prepared = Prepared(lambda after: AuditRecord.objects.filter(at__gt=after), after=dt.datetime)
    with pytest.raises(TypeError, match="aware"):
        prepared(after=dt.datetime(2026, 1, 1))
