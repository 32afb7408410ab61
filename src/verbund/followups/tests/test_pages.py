"""The follow-ups in the UI: the file's section (create, complete logging an activity, reopen,
edit, delete), the start page's "Meine Wiedervorlagen" and the list; each page asks what its
API twin asks for."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from verbund.activities.models import Activity
from verbund.core.testing import (
    assert_form_refuses,
    assert_queries_stay,
    assert_same_rows,
)
from verbund.followups import sections
from verbund.followups.actions import do_complete_follow_up, do_create_follow_up
from verbund.followups.models import FollowUp

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _today() -> dt.date:
    return timezone.localdate()


def _day(days: int) -> dt.date:
    return _today() + dt.timedelta(days=days)


def _german(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture
def editor(make_user):
    return make_user("editor", username="vertrieb")


@pytest.fixture
def client_of(editor):
    client = Client()
    client.force_login(editor)
    return client


def _section(client, party) -> str:
    response = client.get(reverse("party-sections", args=[party.pk, "followups"]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_file_lists_open_follow_ups_with_german_dates_and_marks_the_overdue(
    client_of, editor, org
):
    party = org("Müller GmbH")
    do_create_follow_up(actor=editor, party=party, due_on=_day(-2), subject="Zurückrufen")
    do_create_follow_up(actor=editor, party=party, due_on=_day(3), subject="Besuchen")
    html = _section(client_of, party)
    assert "Wiedervorlagen" in html and "Wiedervorlage anlegen" in html
    assert f"fällig {_german(_day(-2))}" in html and f"fällig {_german(_day(3))}" in html
    assert html.count('data-testid="follow-up-overdue"') == 1
    assert html.index("Zurückrufen") < html.index("Besuchen")


def test_done_follow_ups_wait_behind_a_link_that_counts_them(client_of, editor, org):
    party = org()
    for n in range(3):
        done = do_create_follow_up(actor=editor, party=party, due_on=_today(), subject=f"A{n}")
        do_complete_follow_up(done, actor=editor)
    html = _section(client_of, party)
    assert "3 erledigte anzeigen" in html and "Keine offenen Wiedervorlagen." in html


def test_the_form_assigns_to_the_current_user_by_default_and_creates_through_htmx(
    client_of, editor, org, make_user
):
    make_user("editor", username="kollegin")
    party = org()
    html = _section(client_of, party)
    assert f'<option value="{editor.pk}" selected>' in html
    response = client_of.post(
        reverse("follow-up-create", args=[party.pk]),
        {"due_on": _german(_day(1)), "assigned_to": editor.pk, "subject": "Angebot", "note": ""},
        headers=HTMX,
    )
    assert response.status_code == 200
    follow_up = FollowUp.objects.get()
    assert follow_up.due_on == _day(1) and follow_up.assigned_to == editor
    assert "Angebot" in response.content.decode()


def test_the_form_refuses_bad_input_at_its_fields(client_of, editor, org):
    party = org()
    good = {"due_on": _german(_today()), "assigned_to": str(editor.pk), "subject": "X", "note": ""}
    bad = {
        "due_on": ["", "gestern", "31.02.2026", "01.01.1899", "01.01.2099"],
        "assigned_to": ["", "abc", "999999"],
        "subject": ["", "  ", "x" * 201],
    }
    url = reverse("follow-up-create", args=[party.pk])
    assert_form_refuses(client_of, url, good, bad)
    assert_form_refuses(client_of, url, good, bad, ok=(200,), headers=HTMX)
    assert not FollowUp.objects.exists()


def test_done_with_a_text_logs_an_activity_on_the_file_without_one_logs_nothing(
    client_of, editor, org
):
    party = org()
    first = do_create_follow_up(actor=editor, party=party, due_on=_today(), subject="Anrufen")
    second = do_create_follow_up(actor=editor, party=party, due_on=_today(), subject="Mailen")
    response = client_of.post(
        reverse("follow-up-done", args=[first.pk]),
        {"activity_kind": "call", "activity_text": "Erreicht, bestellt"},
        headers=HTMX,
    )
    assert response.status_code == 200
    activity = Activity.objects.get()
    assert activity.text == "Erreicht, bestellt" and activity.subject == "Anrufen"
    assert FollowUp.objects.get(pk=first.pk).activity == activity
    client_of.post(reverse("follow-up-done", args=[second.pk]), {"activity_kind": "note"})
    assert FollowUp.objects.get(pk=second.pk).done_at is not None
    assert Activity.objects.count() == 1


def test_logging_what_happened_needs_the_right_to_log_activities_as_in_the_api(make_user, org):
    user = make_user(None, username="nur-wiedervorlagen")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="followups", codename__in=["view_followup", "change_followup"]
        )
    )
    client = Client()
    client.force_login(user)
    follow_up = do_create_follow_up(actor=user, party=org(), due_on=_today(), subject="X")
    url = reverse("follow-up-done", args=[follow_up.pk])
    assert (
        client.post(url, {"activity_kind": "call", "activity_text": "Erreicht"}).status_code == 403
    )
    assert FollowUp.objects.get().done_at is None
    assert client.post(url, {"activity_kind": "call"}).status_code == 302
    assert FollowUp.objects.get().done_at is not None


def test_reopen_edit_and_delete_from_the_file(client_of, editor, org):
    party = org()
    follow_up = do_create_follow_up(actor=editor, party=party, due_on=_today(), subject="Alt")
    do_complete_follow_up(follow_up, actor=editor)
    client_of.post(reverse("follow-up-undone", args=[follow_up.pk]), headers=HTMX)
    assert FollowUp.objects.get().done_at is None
    edit = client_of.get(reverse("follow-up-edit", args=[follow_up.pk]), headers=HTMX)
    assert 'data-testid="follow-up-edit-form"' in edit.content.decode()
    client_of.post(
        reverse("follow-up-edit", args=[follow_up.pk]),
        {"due_on": _german(_day(7)), "assigned_to": editor.pk, "subject": "Neu", "note": ""},
        headers=HTMX,
    )
    assert FollowUp.objects.get().due_on == _day(7)
    confirm = client_of.get(reverse("follow-up-delete", args=[follow_up.pk]))
    assert "Neu" in confirm.content.decode() and "Wiedervorlage löschen" in confirm.content.decode()
    response = client_of.post(reverse("follow-up-delete", args=[follow_up.pk]))
    assert response.status_code == 302 and not FollowUp.objects.exists()


def test_the_start_page_shows_overdue_then_today_then_the_next_days_and_counts_later(
    client_of, editor, org, make_user
):
    party = org("Start GmbH")
    do_create_follow_up(actor=editor, party=party, due_on=_day(3), subject="Bald")
    do_create_follow_up(actor=editor, party=party, due_on=_today(), subject="Heute fällig")
    do_create_follow_up(actor=editor, party=party, due_on=_day(-5), subject="Verpasst")
    do_create_follow_up(actor=editor, party=party, due_on=_day(30), subject="Viel später")
    done = do_create_follow_up(actor=editor, party=party, due_on=_day(-1), subject="Erledigt")
    do_complete_follow_up(done, actor=editor)
    other = make_user("editor", username="andere")
    do_create_follow_up(actor=other, party=party, due_on=_today(), subject="Nicht meins")
    html = client_of.get("/").content.decode()
    block = html[html.index('data-testid="home-follow-ups"') :]
    assert "Meine Wiedervorlagen" in block
    assert block.index("Verpasst") < block.index("Heute fällig") < block.index("Bald")
    assert block.count('data-testid="home-follow-up-overdue"') == 1
    assert "Viel später" not in block and "Nicht meins" not in block and "Erledigt" not in block
    assert "1 weitere später" in block
    assert f'href="/parties/{party.pk}/#section-followups"' in block


def test_the_start_page_says_so_when_nothing_is_open(client_of):
    html = client_of.get("/").content.decode()
    assert "Keine offenen Wiedervorlagen." in html


def test_the_start_page_block_and_the_file_section_ask_for_the_follow_ups_right(make_user, org):
    user = make_user(None, username="nur-adressen")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="parties", codename="view_party")
    )
    request = RequestFactory().get("/")
    request.user = user
    assert sections.home_sections(request) == []
    assert sections.party_sections(request, org()) == []
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="followups", codename="view_followup")
    )
    user = type(user).objects.get(pk=user.pk)
    request.user = user
    assert [s.key for s in sections.home_sections(request)] == ["my-follow-ups"]
    assert [s.key for s in sections.party_sections(request, org("B GmbH"))] == ["followups"]


def test_the_list_page_and_the_api_show_the_same_rows_for_the_same_filters(
    client_of, editor, org, make_user, api_for
):
    from rest_framework.test import APIClient

    party = org()
    other = make_user("editor", username="kollege")
    for n, days in enumerate([-3, 0, 4, 40]):
        do_create_follow_up(actor=editor, party=party, due_on=_day(days), subject=f"M{n}")
        do_create_follow_up(actor=other, party=party, due_on=_day(days), subject=f"K{n}")
    done = do_create_follow_up(actor=editor, party=party, due_on=_today(), subject="E")
    do_complete_follow_up(done, actor=editor)
    api = APIClient()
    api.force_authenticate(editor)
    for params in [
        {},
        {"assigned_to": ""},
        {"assigned_to": other.pk, "open": ""},
        {"open": "false"},
        {"due_after": _day(1).isoformat(), "due_before": _day(10).isoformat()},
    ]:
        assert_same_rows(client_of, "/follow-ups/", api, "/api/v1/follow-ups/", params)
    html = client_of.get("/follow-ups/").content.decode()
    assert "<h1>Wiedervorlagen</h1>" in html and "überfällig" in html
    active = client_of.get("/follow-ups/").context["active_filters"]
    assert [(f.label, f.value, f.is_default) for f in active] == [
        ("Zuständig", "ich", True),
        ("Status", "offen", True),
    ]


def test_the_list_page_s_query_count_stays_with_more_rows(client_of, editor, org, make_user):
    def grow() -> None:
        for n in range(4):
            user = make_user("editor", username=f"mehr-{n}")
            made = do_create_follow_up(
                actor=user, party=org(f"Mehr {n} GmbH"), due_on=_day(n), subject=f"F{n}"
            )
            do_complete_follow_up(made, actor=user, log_activity=True)

    do_create_follow_up(actor=editor, party=org(), due_on=_today(), subject="Erste")
    assert_queries_stay(client_of, "/follow-ups/", grow, params={"assigned_to": "", "open": ""})


def test_the_file_section_s_and_the_start_page_s_query_counts_stay(client_of, editor, org):
    party = org()

    def grow() -> None:
        for n in range(4):
            made = do_create_follow_up(
                actor=editor, party=party, due_on=_day(n - 2), subject=f"F{n}"
            )
            do_create_follow_up(actor=editor, party=party, due_on=_day(n), subject=f"O{n}")
            do_complete_follow_up(made, actor=editor, log_activity=True)

    do_create_follow_up(actor=editor, party=party, due_on=_today(), subject="Erste")
    assert_queries_stay(client_of, reverse("party-sections", args=[party.pk, "followups"]), grow)
    assert_queries_stay(
        client_of,
        "/",
        lambda: do_create_follow_up(actor=editor, party=party, due_on=_day(1), subject="Noch eine"),
    )


def test_assignees_are_offered_by_last_name_as_every_user_choice_is(django_user_model):
    from verbund.followups.selectors import user_choices

    zander = django_user_model.objects.create_user(
        "a.zander", first_name="Anna", last_name="Zander"
    )
    bert = django_user_model.objects.create_user("bert")
    oezdemir = django_user_model.objects.create_user("c.o", first_name="Can", last_name="Özdemir")
    gone = django_user_model.objects.create_user("alt", last_name="Alt", is_active=False)
    names = [name for pk, name in user_choices() if pk in {zander.pk, bert.pk, oezdemir.pk}]
    # "Özdemir" folds to "oezdemir": between "bert" and "Zander", not after "Zander".
    assert names == ["bert", "Can Özdemir", "Anna Zander"]
    assert gone.pk not in {pk for pk, _name in user_choices()}
    # A deactivated assignee of the follow-up being edited stays choosable, in order.
    ids = [pk for pk, _name in user_choices(gone) if pk in {gone.pk, bert.pk}]
    assert ids == [gone.pk, bert.pk]
