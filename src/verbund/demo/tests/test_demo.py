"""The demo generator and the `verbund demo` command: realistic, reproducible, structurally sound."""

import datetime as dt
import io
import itertools
from collections import defaultdict
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from verbund.core.models import AuditRecord
from verbund.demo.actions import DEMO_PASSWORD, DEMO_USERS
from verbund.demo.cities import BY_NAME, FOREIGN_BY_NAME
from verbund.demo.generator import DemoData
from verbund.demo.values import german_vat_id, lei_with_check_digits
from verbund.parties.actions import derive_fields, validate_party
from verbund.parties.models import Party
from verbund.parties.validators import (
    lei_checksum_ok,
    validate_country,
    validate_lei,
    validate_vat_id,
)
from verbund.relationships.models import MAX_DATE, MIN_DATE, Relationship, RelationshipType

HIERARCHY_KEYS = ["group", "chain", "settlement"]
TYPE_IDS = {
    key: i
    for i, key in enumerate(
        ["group", "sister", "chain", "settlement", "supplier", "consultant", "contact"], 1
    )
}


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def generated(size: int, seed: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    data = DemoData(size, seed, today=dt.date(2026, 6, 1))
    parties = [row[:-2] for row in data.party_rows(1000, 500000, "now")]
    relationships = [row[:-2] for row in data.relationship_rows(1000, TYPE_IDS, "now")]
    return parties, relationships


@pytest.fixture
def demo(db: Any) -> str:
    return run_demo("--size", "300", "--seed", "7", "--revenue-months", "0")


def links(key: str) -> list[Relationship]:
    return list(Relationship.objects.filter(type__key=key))


def parent_map(rels: list[Relationship], day: dt.date) -> dict[int, int]:
    return {r.from_party_id: r.to_party_id for r in rels if r.is_valid_on(day)}


# --- reproducibility ----------------------------------------------------------------------


def test_the_same_seed_gives_the_same_names_and_structure() -> None:
    assert generated(400, 11) == generated(400, 11)


def test_a_forked_generator_yields_the_same_rows_and_links() -> None:
    from verbund.demo.fork import party_rows_in_child

    day = dt.date(2026, 6, 1)
    here, there = DemoData(1200, 5, today=day), DemoData(1200, 5, today=day)
    rows_here = list(here.party_rows(1, 1000, "now"))
    rows_there = list(party_rows_in_child(there, 1, 1000, "now"))
    assert rows_there == rows_here
    assert (
        there.edges == here.edges
        and there.tag_pairs == here.tag_pairs
        and there.stats == here.stats
    )


def test_another_seed_gives_other_data() -> None:
    first, _ = generated(400, 11)
    second, _ = generated(400, 12)
    assert [r[2] for r in first] != [r[2] for r in second]


def test_the_command_writes_what_the_generator_plans(demo: str) -> None:
    planned, planned_links = generated(300, 7)
    loaded = list(Party.objects.order_by("id").values_list("name", "city", "postcode", "kind"))
    assert loaded == [(r[2], r[15], r[14], r[0]) for r in planned]
    assert Relationship.objects.count() == len(planned_links)


@pytest.mark.parametrize("size", [1, 2, 7, 12, 45, 120])
def test_tiny_sizes_give_exactly_that_many_parties(db: Any, size: int) -> None:
    run_demo("--size", str(size), "--revenue-months", "0")
    assert Party.objects.count() == size


# --- structures ---------------------------------------------------------------------------


def test_it_builds_groups_deeper_than_one_level(demo: str) -> None:
    parents = parent_map(links("group"), dt.date.today())
    deepest = 0
    for child in parents:
        depth, node = 0, child
        while node in parents:
            node, depth = parents[node], depth + 1
        deepest = max(deepest, depth)
    assert deepest >= 2
    # The largest group has up to a tenth of the parties.
    roots: dict[int, int] = defaultdict(int)
    for child in parents:
        node = child
        while node in parents:
            node = parents[node]
        roots[node] += 1
    assert max(roots.values()) + 1 <= 300 // 10


def test_it_builds_chains_associations_contacts_and_networks(demo: str) -> None:
    for key in ["chain", "settlement", "sister", "supplier", "consultant", "contact"]:
        assert links(key), key
    persons = Party.objects.filter(kind="person")
    assert persons.count() == 60
    assert persons.filter(organisation__isnull=False).count() > 50
    assert Party.objects.filter(name2__startswith="Filiale").exists()
    members = Relationship.objects.filter(type__key="settlement").values_list(
        "from_party_id", flat=True
    )
    assert Party.objects.filter(pk__in=members, kind="organisation").count() > 10


def test_some_links_ended_and_some_start_in_the_future(demo: str) -> None:
    today = dt.date.today()
    rels = Relationship.objects.filter(type__key__in=HIERARCHY_KEYS)
    assert rels.filter(valid_to__lt=today).exists()
    assert rels.filter(valid_from__gt=today).exists() or rels.filter(valid_to__gt=today).exists()


def test_group_links_carry_valid_shares(demo: str) -> None:
    shares = [r.share for r in links("group") if r.share is not None]
    assert shares
    assert all(0 < s <= 100 for s in shares)
    assert not Relationship.objects.exclude(type__key="group").filter(share__isnull=False).exists()


def test_party_kinds_fit_each_relationship_type(demo: str) -> None:
    for rtype in RelationshipType.objects.all():
        for rel in Relationship.objects.filter(type=rtype).select_related("from_party", "to_party"):
            assert rtype.from_kind in ("any", rel.from_party.kind)
            assert rtype.to_kind in ("any", rel.to_party.kind)
            assert rel.from_party_id != rel.to_party_id
            if rtype.symmetric:
                assert rel.from_party_id < rel.to_party_id


def _boundary_days(rels: list[Relationship]) -> set[dt.date]:
    days = {dt.date.today()}
    for r in rels:
        for day in (r.valid_from, r.valid_to):
            if day:
                days.update({day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)})
    return days


def test_no_party_has_two_parents_in_a_hierarchy_at_any_date(demo: str) -> None:
    for key in HIERARCHY_KEYS:
        by_child: dict[int, list[Relationship]] = defaultdict(list)
        for rel in links(key):
            by_child[rel.from_party_id].append(rel)
        for child, rels in by_child.items():
            spans = sorted(((r.valid_from or MIN_DATE), (r.valid_to or MAX_DATE)) for r in rels)
            for (_, end), (start, _) in itertools.pairwise(spans):
                assert end < start, (key, child, spans)


def test_no_hierarchy_has_a_cycle_at_any_date(demo: str) -> None:
    for key in HIERARCHY_KEYS:
        rels = links(key)
        for day in _boundary_days(rels):
            parents = parent_map(rels, day)
            for start in parents:
                seen, node = {start}, start
                while node in parents:
                    node = parents[node]
                    assert node not in seen, (key, day, start)
                    seen.add(node)


def test_no_link_is_stored_twice(demo: str) -> None:
    keys = [
        (r.type_id, r.from_party_id, r.to_party_id, r.valid_from)
        for r in Relationship.objects.all()
    ]
    assert len(keys) == len(set(keys))


def test_the_hierarchy_closure_is_rebuilt_after_the_load(demo: str) -> None:
    from verbund.hierarchies import engine

    if not hasattr(engine, "rebuild_closure"):
        pytest.skip("hierarchy engine without rebuild_closure")
    from verbund.hierarchies.models import ClosureEntry

    assert ClosureEntry.objects.filter(type__key="group", depth__gte=2).exists()
    assert ClosureEntry.objects.filter(type__key="chain", depth=1).exists()


# --- field quality ------------------------------------------------------------------------


def test_postcodes_belong_to_their_cities(demo: str) -> None:
    orgs = Party.objects.filter(kind="organisation")
    assert orgs.count() == 240
    for party in orgs:
        if party.country == "DE":
            assert BY_NAME[party.city].contains(party.postcode), (party.city, party.postcode)
        else:
            city = FOREIGN_BY_NAME[party.city]
            assert city.country == party.country
            assert city.contains(party.postcode), (party.city, party.postcode)


def test_every_party_passes_the_party_rules(demo: str) -> None:
    for party in Party.objects.all():
        validate_party(party)
        validate_country(party.country)
        validate_lei(party.lei)
        validate_vat_id(party.vat_id)


def test_some_parties_have_leis_vat_ids_registers_and_erp_keys(demo: str) -> None:
    orgs = Party.objects.filter(kind="organisation")
    leis = list(orgs.exclude(lei="").values_list("lei", flat=True))
    assert leis and all(lei_checksum_ok(lei) for lei in leis)
    assert orgs.filter(vat_id__regex=r"^DE[0-9]{9}$").count() > 50
    assert orgs.filter(register_number__regex=r"^Amtsgericht .+ (HRB|HRA|GnR) [0-9]+$").count() > 50
    assert orgs.exclude(erp_source=None).count() > 50
    assert orgs.filter(legal_form="GmbH & Co. KG").exists()
    assert orgs.filter(email__contains="@").count() > 100
    assert orgs.filter(tags__isnull=False).exists()


def test_persons_have_names_salutations_and_positions(demo: str) -> None:
    persons = Party.objects.filter(kind="person")
    assert persons.filter(salutation__in=["Herr", "Frau"]).count() > 50
    assert all(p.name == f"{p.first_name} {p.last_name}" for p in persons)
    assert persons.exclude(position="").count() > 50


def test_derived_search_columns_match_the_actions_module(demo: str) -> None:
    for party in Party.objects.all():
        stored = (party.name, party.search_text, party.phonetic)
        derive_fields(party)
        assert (party.name, party.search_text, party.phonetic) == stored


def test_lei_and_vat_check_digits_are_computed_correctly() -> None:
    # Real LEIs (Deutsche Bank, Siemens) rebuilt from their first 18 characters.
    assert lei_with_check_digits("7LTWFZYICNSX8D621K") == "7LTWFZYICNSX8D621K86"
    assert lei_with_check_digits("529900T8BM49AURSDO") == "529900T8BM49AURSDO55"
    # The textbook example of a valid German VAT id.
    assert german_vat_id(13669597) == "DE136695976"


# --- command behaviour --------------------------------------------------------------------


def test_one_audit_record_covers_the_whole_load(demo: str) -> None:
    records = AuditRecord.objects.filter(action="demo.load")
    assert records.count() == 1
    assert records.get().after["parties"] == 300


def test_if_empty_leaves_existing_data_alone(org: Any) -> None:
    org("Bestand GmbH")
    out = run_demo("--size", "50", "--if-empty", "--revenue-months", "0")
    assert Party.objects.count() == 1
    assert "no demo data" in out.lower() or "keine" in out.lower()
    assert get_user_model().objects.filter(username="demo").exists()


def test_if_empty_loads_into_an_empty_database(db: Any) -> None:
    run_demo("--size", "50", "--if-empty", "--revenue-months", "0")
    assert Party.objects.count() == 50


def test_login_prints_the_address_and_the_demo_login(db: Any) -> None:
    out = run_demo("--size", "20", "--login", "--revenue-months", "0")
    assert "http://127.0.0.1:8000" in out
    assert "demo" in out and DEMO_PASSWORD in out


def test_demo_users_exist_once_per_role_and_can_log_in(db: Any) -> None:
    run_demo("--size", "5", "--revenue-months", "0")
    run_demo("--size", "5", "--revenue-months", "0")
    User = get_user_model()
    for username, role, _staff in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert User.objects.get(username="demo").is_superuser
    assert Party.objects.count() == 10


def test_a_changed_demo_password_stays_changed(db: Any) -> None:
    run_demo("--size", "5", "--revenue-months", "0")
    user = get_user_model().objects.get(username="viewer")
    user.set_password("something-else-2026")
    user.save()
    run_demo("--size", "5", "--if-empty")
    user.refresh_from_db()
    assert user.check_password("something-else-2026")


def test_it_refuses_a_size_below_one(db: Any) -> None:
    with pytest.raises(CommandError, match="--size"):
        run_demo("--size", "0")


def test_it_adds_demo_revenue_where_the_revenue_module_offers_it(db: Any) -> None:
    out = run_demo("--size", "60", "--revenue-months", "3")
    assert Party.objects.count() == 60
    assert "revenue" in out.lower() or "umsatz" in out.lower()


def test_a_small_demo_leaves_sqlite_with_planner_statistics(demo):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum gathers its own statistics")
    with connection.cursor() as cur:
        cur.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        tables = {row[0] for row in cur.fetchall()}
    assert {"parties_party", "relationships_relationship"} <= tables
