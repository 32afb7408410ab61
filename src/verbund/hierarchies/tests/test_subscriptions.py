"""Following a group's changes (#17.3): subscribe on the file or by API, see them on the start
page. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

import datetime as dt

import pytest
from django.urls import reverse

from verbund.core.models import AuditRecord
from verbund.hierarchies import engine, subscriptions
from verbund.hierarchies.models import GroupSubscription
from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db


def _joined_lately(group, org, days_ago=5):
    newcomer = org("Müller Neu GmbH", city="Bonn")
    do_create_relationship(
        actor=None,
        type="group",
        from_party=newcomer,
        to_party=group["handel"],
        valid_from=engine.today() - dt.timedelta(days=days_ago),
    )
    return newcomer


def test_following_a_group_on_the_file_shows_its_changes_on_the_start_page(client_for, group, org):
    newcomer = _joined_lately(group, org)
    c = client_for("viewer")
    response = c.post(
        reverse("group-subscription", args=[group["sued"].pk]),
        {
            "type": "group",
            "action": "subscribe",
            "next": reverse("hierarchy", args=[group["sued"].pk]),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("hierarchy", args=[group["sued"].pk])
    home = c.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'data-testid="home-group-changes"' in home
    assert newcomer.name in home
    assert AuditRecord.objects.filter(action="hierarchy.subscribe").count() == 1


def test_changes_older_than_thirty_days_stay_off_the_start_page(client_for, group, org):
    old = _joined_lately(group, org, days_ago=45)
    c = client_for("viewer")
    c.post(reverse("group-subscription", args=[group["holding"].pk]), {"type": "group"})
    home = c.get(reverse("home")).content.decode()
    assert 'data-testid="home-group-changes"' in home
    assert old.name not in home


def test_two_members_of_one_group_followed_list_the_group_once(make_user, group, org):
    _joined_lately(group, org)
    user = make_user("viewer", username="folgt")
    from verbund.hierarchies.actions import do_subscribe_group

    do_subscribe_group(user, group["sued"])
    do_subscribe_group(user, group["nord"])
    do_subscribe_group(user, group["nord"])  # twice is once
    assert GroupSubscription.objects.filter(user=user).count() == 2
    found = subscriptions.recent_changes(user)
    assert len(found) == 1
    assert found[0]["root_id"] == group["holding"].pk
    assert [c["kind"] for c in found[0]["changes"]] == ["joined"]


def test_stopping_ends_the_subscription_and_the_start_page_block(client_for, group, org):
    _joined_lately(group, org)
    c = client_for("viewer")
    url = reverse("group-subscription", args=[group["sued"].pk])
    c.post(url, {"type": "group", "action": "subscribe"})
    c.post(url, {"type": "group", "action": "unsubscribe"})
    assert not GroupSubscription.objects.exists()
    assert AuditRecord.objects.filter(action="hierarchy.unsubscribe").count() == 1
    assert 'data-testid="home-group-changes"' not in c.get(reverse("home")).content.decode()


def test_the_button_on_the_hierarchy_view_says_what_the_user_follows(client_for, group):
    c = client_for("viewer")
    url = reverse("hierarchy", args=[group["sued"].pk])
    assert 'data-testid="subscribe-group"' in c.get(url, {"type": "group"}).content.decode()
    c.post(reverse("group-subscription", args=[group["sued"].pk]), {"type": "group"})
    assert 'data-testid="unsubscribe-group"' in c.get(url, {"type": "group"}).content.decode()


def test_a_redirect_elsewhere_is_refused(client_for, group):
    c = client_for("viewer")
    response = c.post(
        reverse("group-subscription", args=[group["sued"].pk]),
        {"type": "group", "next": "https://example.org/"},
    )
    assert response["Location"] == reverse("party-detail", args=[group["sued"].pk])


def test_the_api_reads_sets_and_ends_the_subscription(api_for, group, org):
    _joined_lately(group, org)
    api = api_for("viewer")
    url = reverse("party-hierarchy-subscription", args=[group["sued"].pk])
    assert api.get(url, {"type": "group"}).json() == {
        "party_id": group["sued"].pk,
        "type": "group",
        "subscribed": False,
    }
    answer = api.post(f"{url}?type=group")
    assert answer.status_code == 200
    assert answer.json()["subscribed"] is True
    assert api.get(url).json()["subscribed"] is True
    assert api.delete(f"{url}?type=group").json()["subscribed"] is False
    assert not GroupSubscription.objects.exists()


def test_the_api_refuses_an_unknown_type_naming_it(api_for, group):
    api = api_for("viewer")
    url = reverse("party-hierarchy-subscription", args=[group["sued"].pk])
    answer = api.post(f"{url}?type=nope")
    assert answer.status_code == 400
    assert "type" in answer.json()
    assert api.get(reverse("party-hierarchy-subscription", args=[999999])).status_code == 404


def test_without_a_role_nobody_subscribes(api_for, group):
    api = api_for(None)
    url = reverse("party-hierarchy-subscription", args=[group["sued"].pk])
    assert api.post(url).status_code == 403
