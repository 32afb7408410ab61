"""Bad input to the activity forms: the form comes back with the error at its field (400, or
200 for the HTMX timeline), never a 500, nothing written."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from verbund.activities.actions import do_create_activity
from verbund.activities.models import Activity
from verbund.core.testing import NOT_IDS, OVERLONG, assert_form_refuses

pytestmark = pytest.mark.django_db

GOOD = {"kind": "call", "happened_at": "2026-11-20T09:30", "subject": "Rückruf", "text": ""}
BAD = {
    "kind": ["fax", "", OVERLONG],
    "happened_at": ["gestern", "2026-13-01T09:30", "", OVERLONG, "9999-12-31T23:59"],
    "subject": ["", "   ", OVERLONG],
    # Not an id, no party, or a party who is no contact of the organisation (itself).
    "contact": [*NOT_IDS, "²", OVERLONG, "987654", "1"],
}


@pytest.fixture
def editor(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("editor"))
    return client


def test_logging_an_activity_refuses_bad_input(editor, org):
    url = reverse("activity-create", args=[org().pk])
    assert_form_refuses(editor, url, GOOD, BAD)
    assert_form_refuses(editor, url, GOOD, BAD, ok=(200,), headers={"HX-Request": "true"})
    assert not Activity.objects.exists()


def test_correcting_an_activity_refuses_bad_input(editor, org):
    activity = do_create_activity(actor=None, party=org(), subject="Besuch")
    url = reverse("activity-edit", args=[activity.pk])
    assert_form_refuses(editor, url, GOOD, BAD, ok=(200,))
    activity.refresh_from_db()
    assert activity.subject == "Besuch"


@pytest.mark.parametrize("bad", NOT_IDS)
def test_ids_that_are_not_ids_are_404(editor, org, bad):
    org()
    assert editor.post(f"/parties/{bad}/activities/new/", GOOD).status_code == 404
    assert editor.get(f"/activities/{bad}/edit/").status_code == 404
    assert editor.get(f"/activities/{bad}/delete/").status_code == 404
    assert editor.post(f"/activities/{bad}/delete/").status_code == 404
