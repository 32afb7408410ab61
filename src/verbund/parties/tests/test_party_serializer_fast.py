"""The party API's rows come from ``core.serializers_fast``: byte for byte what DRF's own
``to_representation`` gives for every field, on stored parties of every sort and on values
only an unsaved party holds; the FilterSet's form class is made once and still answers in
each request's language and with today's relationship types."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from verbund.core.serializers_fast import CHOICE, FIELD, MANY, OWN, RAW, TEXT, WHOLE, plan_for
from verbund.parties.actions import do_archive_party, do_create_party, do_mark_merged
from verbund.parties.filters import party_filterset
from verbund.parties.models import Party, PartyKind, PartyStatus, Tag
from verbund.parties.selectors import with_tags
from verbund.parties.serializers import PartyRefSerializer, PartySerializer
from verbund.relationships.actions import do_create_relationship_type

URL = "/api/v1/parties/"


def stock(serializer_class: type, instance: Any) -> dict[str, Any]:
    """What DRF's ModelSerializer alone makes of ``instance``."""
    return serializers.ModelSerializer.to_representation(serializer_class(), instance)


def rendered(data: Any) -> bytes:
    return JSONRenderer().render(data)


def assert_same(instance: Any) -> None:
    for serializer_class in (PartySerializer, PartyRefSerializer):
        fast = serializer_class().to_representation(instance)
        drf = stock(serializer_class, instance)
        assert rendered(fast) == rendered(drf)
        assert [(k, type(v)) for k, v in fast.items()] == [(k, type(v)) for k, v in drf.items()]


@pytest.fixture
def parties(org, person, make_user) -> list[Party]:
    """Organisations and persons with every field set or left empty, merged and archived."""
    owner = make_user("editor", username="zuständig")
    holding = org(
        "Müller & Söhne Holding GmbH \N{EN DASH} Köln",
        name2="Zweigniederlassung Süd",
        name3="c/o Weiß",
        legal_form="GmbH",
        street="Äußere Straße 1",
        country="AT",
        vat_id="ATU12345678",
        register_number="FN 123456a",
        phone="+43 1 234567",
        email="info@müller.example",
        website="https://müller.example",
        status=PartyStatus.SUPPLIER,
        responsible=owner,
        erp_source="sap",
        erp_id="100042",
        tags=["A-Kunde", "Messe 2026", "Œuvre ✓"],
    )
    contact = person(
        "Zoë",
        "Łukasiewicz",
        salutation="Frau",
        title="Dr.",
        position="Geschäftsführerin",
        organisation=holding,
        birth_date=dt.date(1969, 2, 28),
        email="zoe@example.org",
    )
    empty = do_create_party(actor=None, kind=PartyKind.PERSON, last_name="Nur-Nachname")
    bare = org("X", postcode="", city="", erp_source=None, erp_id=None)
    archived = org("Archiviert AG", tags=["Alt"])
    do_archive_party(archived, actor=None, note="zu")
    loser = org("Doppelt GmbH", erp_source="sap", erp_id="7")
    do_mark_merged(loser, holding, actor=None)
    return [holding, contact, empty, bare, archived, loser]


@pytest.mark.django_db
def test_the_api_list_sends_what_drf_would_for_every_sort_of_party(api_for, parties) -> None:
    response = api_for("viewer").get(URL, {"page_size": 100})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == len(parties)
    loaded = list(Party.objects.prefetch_related("tags").order_by("id"))
    drf = [stock(PartySerializer, party) for party in loaded]
    assert rendered(rows) == rendered(drf)
    readable = [n for n in PartySerializer.Meta.fields if n != "tag_names"]
    assert all(list(row) == readable for row in rows)
    by_name = {row["name"]: row for row in rows}
    holding = by_name["Müller & Söhne Holding GmbH \N{EN DASH} Köln"]
    assert holding["tags"] == ["A-Kunde", "Messe 2026", "Œuvre ✓"]
    assert holding["erp_key"] == "sap:100042" and holding["status"] == "supplier"
    assert by_name["Doppelt GmbH"]["merged_into"] == holding["id"]
    contact = next(row for row in rows if row["last_name"] == "Łukasiewicz")
    assert contact["birth_date"] == "1969-02-28" and contact["organisation"] == holding["id"]
    assert contact["created_at"].endswith(("+01:00", "+02:00"))


@pytest.mark.django_db
def test_parties_read_without_prefetching_or_as_created_render_as_drf_renders_them(
    parties,
) -> None:
    for party in [
        *parties,
        *Party.objects.all(),
        *Party.objects.prefetch_related("tags"),
        *with_tags(Party.objects.all()),
    ]:
        assert_same(party)
    # As the create action hands it to the API: the kind is still the enum member.
    assert type(parties[2].kind) is PartyKind


@pytest.mark.django_db
def test_the_detail_and_the_create_answer_render_as_drf_renders_them(api_for, parties) -> None:
    viewer = api_for("viewer")
    party = parties[0]
    detail = viewer.get(f"{URL}{party.pk}/")
    assert detail.content == rendered(stock(PartySerializer, Party.objects.get(pk=party.pk)))
    created = api_for("editor").post(
        URL, {"kind": "person", "last_name": "Ünal", "tag_names": ["Neu"]}, format="json"
    )
    assert created.status_code == 201, created.content
    stored = Party.objects.get(pk=created.json()["id"])
    assert created.json() == stock(PartySerializer, stored)


def test_every_field_but_the_erp_key_is_read_by_the_plan() -> None:
    plan = plan_for(PartySerializer)
    ref = plan_for(PartyRefSerializer)
    assert plan is not None and ref is not None
    kinds = {step.name: step.kind for step in plan.steps}
    assert kinds["tags"] == MANY and kinds["erp_key"] == FIELD
    assert kinds["kind"] == kinds["status"] == CHOICE
    assert kinds["id"] == WHOLE and kinds["merged_into"] == kinds["responsible"] == RAW
    assert kinds["created_at"] == kinds["updated_at"] == kinds["birth_date"] == OWN
    assert [n for n, k in kinds.items() if k == TEXT] == [
        "number", "name", "name2", "name3", "legal_form", "salutation", "title", "first_name",
        "last_name", "position", "street", "postcode", "city", "country", "vat_id", "lei",
        "register_number", "phone", "email", "website", "erp_source", "erp_id",
    ]  # fmt: skip
    assert [step.name for step in ref.steps] == ["id", "number", "name", "city", "kind"]


texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=10)
nullable_texts = st.one_of(texts, st.none())
choices = st.one_of(
    st.sampled_from([*PartyKind, *PartyStatus]),
    st.sampled_from([*PartyKind.values, *PartyStatus.values, "", "unbekannt"]),
)
moments = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.one_of(st.none(), st.timezones()),
)
ids = st.one_of(st.none(), st.integers(1, 2**63 - 1))


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "id": st.integers(1, 2**63 - 1),
            "kind": choices,
            "status": choices,
            "number": texts,
            "name": texts,
            "first_name": texts,
            "city": st.one_of(texts, st.integers(), st.decimals(allow_nan=False)),
            "email": texts,
            "erp_source": nullable_texts,
            "erp_id": nullable_texts,
            "birth_date": st.one_of(st.none(), st.dates()),
            "archived": st.one_of(st.booleans(), st.sampled_from([0, 1, "true", None])),
            "organisation_id": ids,
            "responsible_id": ids,
            "merged_into_id": ids,
            "created_at": moments,
            "updated_at": st.one_of(moments, st.none()),
        }
    ),
    st.lists(texts, max_size=3),
)
def test_any_values_a_party_may_hold_render_as_drf_renders_them(
    values: dict[str, Any], tags: list[str]
) -> None:
    party = Party(**values)
    party._prefetched_objects_cache = {"tags": [Tag(name=name) for name in tags]}
    assert_same(party)


def test_a_text_column_holding_a_decimal_is_shown_as_drf_shows_it() -> None:
    party = Party(id=1, kind="organisation", name=Decimal("1.50"), created_at=None)
    party._prefetched_objects_cache = {"tags": []}
    assert PartySerializer().to_representation(party)["name"] == "1.50"
    assert_same(party)


# --- the FilterSet's form ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_filter_form_class_is_made_once_and_its_labels_follow_the_language() -> None:
    filterset = party_filterset()
    with translation.override("de"):
        german = filterset({"city": "Köln"}).form
    with translation.override("en"):
        english = filterset({"city": "Köln"}).form
    assert type(german) is type(english)
    assert german.fields is not english.fields
    with translation.override("de"):
        assert str(german.fields["city"].label) == "Ort"
    with translation.override("en"):
        assert str(english.fields["city"].label) == "City"


@pytest.mark.django_db
def test_a_relationship_type_made_after_the_first_form_is_a_choice_of_the_next(api_for) -> None:
    viewer = api_for("viewer")
    assert viewer.get(URL, {"relationship_type": "supplies"}).status_code == 400
    do_create_relationship_type(
        actor=None, key="supplies", name_de="Lieferung", name_en="Supply",
        label_forward_de="liefert an", label_forward_en="supplies",
        label_inverse_de="wird beliefert von", label_inverse_en="is supplied by",
        structure="network", from_kind="organisation", to_kind="organisation",
    )  # fmt: skip
    response = viewer.get(URL, {"relationship_type": "supplies"})
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []
    assert viewer.get(URL, {"relationship_type": "gibt-es-nicht"}).status_code == 400
