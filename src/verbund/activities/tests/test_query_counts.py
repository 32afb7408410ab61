"""Pinned query counts: the activities timeline does no query per activity or author (count,
add rows, the count stays)."""

from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from verbund.activities.actions import do_create_activity
from verbund.core.testing import assert_queries_stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("editor", username="counting-editor"))
    return client


def test_the_timeline_does_not_grow_with_activities_by_many_users(editor, org, make_user):
    party = org()
    numbers = count()

    def more() -> None:
        for kind in ("call", "visit", "note", "mail"):
            i = next(numbers)
            author = make_user("editor", username=f"author-{i}")
            do_create_activity(actor=author, party=party, kind=kind, subject=f"Kontakt {i}")

    more()
    url = reverse("party-sections", args=[party.pk, "activities"])
    assert_queries_stay(editor, url, more)
    # Past the timeline's limit the page still takes the same number of queries.
    for _ in range(13):
        more()
    assert_queries_stay(editor, url, more)


def test_the_edit_page_takes_a_fixed_number_of_queries(editor, org):
    party = org()
    activity = do_create_activity(actor=None, party=party, subject="Besuch")

    def more() -> None:
        for i in range(5):
            do_create_activity(actor=None, party=party, subject=f"Anruf {i}")

    assert_queries_stay(editor, reverse("activity-edit", args=[activity.pk]), more)


def test_the_timeline_with_its_form_does_not_grow_with_the_contacts(editor, org, person):
    party = org()
    do_create_activity(actor=None, party=party, subject="Anruf")
    numbers = count()

    def more() -> None:
        for _ in range(3):
            i = next(numbers)
            contact = person("Kontakt", f"Nr{i}", organisation=party)
            do_create_activity(actor=None, party=party, subject=f"Anruf {i}", contact=contact)

    more()
    url = reverse("party-sections", args=[party.pk, "activities"])
    assert_queries_stay(editor, url, more)
