"""A user switches their daily reminder mail off and on with the checkbox on the follow-up list:
a POST with the CSRF token, through ``core.actions.do_set_reminder_mail``, audited as the
language choice is."""

import pytest
from django.test import Client
from django.urls import reverse

from verbund.core.models import AuditRecord, UserProfile
from verbund.followups import selectors

pytestmark = pytest.mark.django_db

URL = "/follow-ups/"


@pytest.fixture
def viewer(make_user):
    return make_user("viewer", username="innendienst", email="innendienst@example.de")


@pytest.fixture
def client_of(viewer):
    client = Client()
    client.force_login(viewer)
    return client


def checkbox(html: str) -> str:
    start = html.index('name="reminder_mail"')
    return html[start : html.index(">", start)]


def test_the_list_offers_the_daily_mail_switched_on_with_the_users_address(client_of):
    html = client_of.get(URL).content.decode()
    assert "Tägliche Erinnerung per E-Mail" in html
    assert "checked" in checkbox(html)
    assert "an innendienst@example.de" in html


def test_unticking_switches_the_mail_off_audited_and_ticking_switches_it_on(client_of, viewer):
    back = f"{URL}?assigned_to=&open="
    response = client_of.post(reverse("follow-up-reminder-mail"), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert selectors.reminder_mail_on(viewer) is False
    record = AuditRecord.objects.get(action="profile.reminder_mail")
    assert record.actor == viewer
    assert (record.before, record.after) == ({"reminder_mail": True}, {"reminder_mail": False})
    html = client_of.get(back).content.decode()
    assert "checked" not in checkbox(html)
    assert "Die tägliche Erinnerung per E-Mail ist ausgeschaltet." in html

    client_of.post(reverse("follow-up-reminder-mail"), {"reminder_mail": "on"})
    assert UserProfile.objects.get(user=viewer).reminder_mail is True
    assert AuditRecord.objects.filter(action="profile.reminder_mail").count() == 2
    # Saving the same choice again records nothing.
    client_of.post(reverse("follow-up-reminder-mail"), {"reminder_mail": "on"})
    assert AuditRecord.objects.filter(action="profile.reminder_mail").count() == 2


def test_the_switch_needs_the_csrf_token(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    response = client.post(reverse("follow-up-reminder-mail"), {})
    assert response.status_code == 403
    assert selectors.reminder_mail_on(viewer) is True


def test_a_foreign_target_is_not_followed(client_of):
    response = client_of.post(
        reverse("follow-up-reminder-mail"), {"next": "https://evil.example/follow-ups/"}
    )
    assert response["Location"] == URL


def test_a_user_without_an_address_is_told_who_enters_it(make_user):
    client = Client()
    client.force_login(make_user("viewer", username="ohne-adresse"))
    html = client.get(URL).content.decode()
    assert "Ihr Konto hat keine E-Mail-Adresse; ein Administrator trägt sie ein." in html
