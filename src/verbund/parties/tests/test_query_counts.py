"""Pinned query counts: the customer file does no per-row queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from verbund.activities.actions import do_create_activity
from verbund.core import paging
from verbund.core.testing import assert_queries_stay, list_count_queries, time_budget_queries
from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db


def only_activities_sections(monkeypatch):
    """Pin our own page: other apps' sections are measured by their own tests. The
    relationships come with the page itself (relationships.sections.party_file), so they stay."""
    import verbund.activities.sections as activities_sections
    import verbund.relationships.sections as relationships_sections
    from verbund.parties import views as parties

    monkeypatch.setattr(
        parties.extensions,
        "modules",
        lambda name: (
            iter([relationships_sections, activities_sections]) if name == "sections" else iter([])
        ),
    )


def count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_customer_file_query_count_is_pinned(
    client_for, group, person, monkeypatch, django_assert_num_queries
):
    only_activities_sections(monkeypatch)
    for i in range(3):
        person("Kontakt", f"Nr{i}", organisation=group["handel"])
        do_create_activity(actor=None, party=group["handel"], subject=f"Anruf {i}")
    c = client_for("viewer")
    url = reverse("party-detail", args=[group["handel"].pk])
    c.get(url)  # the profile exists from now on
    # session, user, party, relationship counts per type, relationships, contacts, history (+ the types and other parties
    # named by its relationship records), profile for recent files, permissions (user + groups),
    # the top of the group it hangs in (type, freshness, closure) and that top's name, its tags
    with django_assert_num_queries(17):
        c.get(url)
    # the activities timeline, loaded right after the page: session, user, party, activities,
    # permissions (user + groups)
    with django_assert_num_queries(6):
        c.get(reverse("party-sections", args=[group["handel"].pk, "activities"]))


def test_the_customer_file_does_not_grow_with_its_relationships(client_for, group, org, person):
    """The page and every app's lazily loaded sections keep their query count as data grows."""
    from verbund.parties import views as parties

    c = client_for("viewer")
    url = reverse("party-detail", args=[group["handel"].pk])
    sections = [
        reverse("party-sections", args=[group["handel"].pk, app]) for app in parties.section_apps()
    ]
    c.get(url)
    for s in sections:
        c.get(s)
    before = [count(c, url)] + [count(c, s) for s in sections]
    for i in range(8):
        do_create_relationship(
            actor=None, type="supplier", from_party=org(f"Lieferant {i}"), to_party=group["handel"]
        )
        person("Kontakt", f"Nr{i}", organisation=group["handel"])
        do_create_activity(actor=None, party=group["handel"], subject=f"Notiz {i}")
    assert [count(c, url)] + [count(c, s) for s in sections] == before


def test_the_party_list_query_count_is_pinned(
    client_for, org, monkeypatch, django_assert_num_queries
):
    from verbund.parties import views as parties

    monkeypatch.setattr(parties, "PAGE_SIZE", 3)
    for i in range(5):
        org(f"Firma {i}", city="Bonn")
    org("Kieler Werft AG", city="Kiel")
    c = client_for("viewer")
    url = reverse("party-list")
    c.get(url)
    # session, user, permissions (user + groups), the page's rows, and "3 von 6": one query
    # over at most 10,001 rows (core.paging.list_count), the query the count added (on
    # PostgreSQL under a time limit, in a savepoint: list_count_queries), and the users the
    # "responsible" filter offers, and the tags the "tag" filter offers
    counted = list_count_queries()
    with django_assert_num_queries(7 + counted):
        c.get(url)
    for i in range(5):
        org(f"Firma {i + 5}", city="Bonn")
    assert count(c, url) == 7 + counted
    # a filter or a search counts before its page (the count decides how the page is read,
    # decision 0045), also when the page holds every match
    with django_assert_num_queries(7 + counted):
        c.get(url, {"q": "Kieler"})
    with django_assert_num_queries(7 + counted):
        c.get(url, {"city": "Kiel"})
    # more matches than the cap: the page walks the name index within a time budget
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    with django_assert_num_queries(7 + counted + time_budget_queries()):
        c.get(url, {"city": "Bonn"})


def test_the_party_list_reads_its_chosen_member_filter_parties_in_one_query(
    client_for, group, org, monkeypatch, django_assert_num_queries
):
    """The filter box and the line above the list name the parties of the group, chain and
    association filters: one query for all three, and none per row."""
    from verbund.parties import views as parties

    monkeypatch.setattr(parties, "PAGE_SIZE", 3)
    head, branch = org("Kette Zentrale GmbH"), org("Kette Filiale Eins")
    verband = org("Einkaufsverband eG")
    do_create_relationship(actor=None, type="chain", from_party=branch, to_party=head)
    do_create_relationship(actor=None, type="settlement", from_party=head, to_party=verband)
    c = client_for("viewer")
    url = reverse("party-list")
    c.get(url)
    one = {"group": group["handel"].pk}
    three = {**one, "chain": branch.pk, "association": verband.pk}
    # The list's own (session, user, permissions (user + groups), rows, the count, the users
    # of the "responsible" filter, the tags of the "tag" filter), the relationship types the
    # unfolded filters offer (two fields), the member filters' own lookups
    # (selections.selectors.members_q: the type, the closure's freshness, and the top of the
    # tree, which says as well whether there is one; an association asks whether its party
    # heads a tree instead), and the chosen parties: one query.
    base = 7 + list_count_queries() + 2 + 1
    for params, lookups in ((one, 3), (three, 3 + 3 + 3)):
        with django_assert_num_queries(base + lookups) as ctx:
            c.get(url, params)
        chosen = [q for q in ctx.captured_queries if 'WHERE "parties_party"."id" IN (' in q["sql"]]
        assert len(chosen) == 1

    def grow():
        for i in range(6):
            member = org(f"Müller Filiale {i}")
            do_create_relationship(
                actor=None, type="group", from_party=member, to_party=group["holding"]
            )

    assert_queries_stay(c, url, grow, params=three, at_most=base + 11)
