"""Two reminder runs at the same moment (cron on two hosts) mail each user once: a run claims a
user for the day before mailing them (``actions.do_claim_reminder_mails``) and skips a user
another run claimed; a mail that does not go out gives its claim back, so the next run mails
that user (decision 0064)."""

import threading
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone

from verbund.followups import reminders
from verbund.followups.actions import (
    do_claim_reminder_mails,
    do_create_follow_up,
    do_release_reminder_mails,
)
from verbund.followups.models import ReminderMail

DAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _mail_settings(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "verbund@example.de"


@pytest.fixture
def three(make_user: Any, org: Any) -> list[Any]:
    """Three users with a follow-up due today each."""
    party = org()
    users = [make_user("viewer", username=f"u{n}", email=f"u{n}@example.de") for n in range(3)]
    for user in users:
        do_create_follow_up(
            actor=user, party=party, due_on=DAY, subject="Anrufen", assigned_to=user
        )
    return users


def run(due: list[Any]) -> reminders.Outcome:
    return reminders.send_reminders(due, DAY, base_url="")


def mailed() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def claimed() -> list[str]:
    return sorted(ReminderMail.objects.filter(day=DAY).values_list("user__username", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("batch", [1, 50])
def test_a_run_claiming_while_another_mails_mails_only_the_users_nobody_claimed(
    three, monkeypatch, batch
):
    monkeypatch.setattr(reminders, "CLAIM_EVERY", batch)
    # Both runs read who is due before either claims anyone.
    first_due, second_due = list(reminders.due(DAY)), list(reminders.due(DAY))
    real_send = EmailBackend.send_messages
    second: list[reminders.Outcome] = []
    started = []

    def send_while_the_second_run_goes(self: Any, messages: Any) -> int:
        if not started:
            # The second run claims (and mails) between the first one's claim and its send.
            started.append(True)
            second.append(run(second_due))
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_while_the_second_run_goes)
    first = run(first_due)

    assert mailed() == ["u0@example.de", "u1@example.de", "u2@example.de"]
    assert first.users + second[0].users == 3
    # Claimed one at a time, the first run had only u0 when the second came; claimed 50 at a
    # time, it had them all.
    assert (first.users, second[0].users) == ((1, 2) if batch == 1 else (3, 0))
    assert claimed() == ["u0", "u1", "u2"]


@pytest.mark.django_db
def test_a_run_whose_users_another_run_claimed_after_its_read_mails_nobody(three):
    stale = list(reminders.due(DAY))
    assert run(list(reminders.due(DAY))).users == 3
    assert run(stale).users == 0
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_refused_mail_leaves_no_claim_and_the_next_run_mails_that_user(three, monkeypatch):
    real_send = EmailBackend.send_messages
    refusing = {"u1@example.de"}

    def refuse(self: Any, messages: Any) -> int:
        if set(messages[0].to) & refusing:
            raise ValueError("address refused")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    outcome = run(list(reminders.due(DAY)))
    assert outcome.refused == ["u1@example.de"] and claimed() == ["u0", "u2"]
    refusing.clear()
    assert run(list(reminders.due(DAY))).users == 1
    assert mailed() == ["u0@example.de", "u1@example.de", "u2@example.de"]


@pytest.mark.django_db
def test_a_run_stopped_mid_batch_gives_back_the_claims_it_did_not_mail(three, monkeypatch):
    def interrupted(reminder: Any) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reminders.send_reminders(reminders.due(DAY), DAY, base_url="", on_sent=interrupted)
    assert mailed() == ["u0@example.de"] and claimed() == ["u0"]
    assert run(list(reminders.due(DAY))).users == 2
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_run_gives_back_only_its_own_claims(three):
    u0, u1, _u2 = three
    assert do_claim_reminder_mails(DAY, [(u0.pk, 1), (u1.pk, 1)], run="first") == {u0.pk, u1.pk}
    assert do_claim_reminder_mails(DAY, [(u1.pk, 1)], run="second") == set()
    assert do_release_reminder_mails(DAY, [u0.pk, u1.pk], run="second") == 0
    assert do_release_reminder_mails(DAY, [u1.pk], run="first") == 1
    assert claimed() == ["u0"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_on_their_own_connections_mail_each_user_once(three, monkeypatch):
    # (SQLite's in-memory test database is not shared between threads; BEGIN IMMEDIATE
    # serialises its writers anyway.)
    monkeypatch.setattr(reminders, "CLAIM_EVERY", 1)
    due = list(reminders.due(DAY))
    start = threading.Barrier(2, timeout=5)
    outcomes: dict[str, Any] = {}

    def cron(host: str) -> None:
        try:
            start.wait()
            outcomes[host] = run(due).users
        except Exception as exc:  # shows in the assertion below
            outcomes[host] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cron, args=(host,)) for host in ("web1", "web2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sum(v for v in outcomes.values() if isinstance(v, int)) == 3, outcomes
    assert mailed() == ["u0@example.de", "u1@example.de", "u2@example.de"]
    assert claimed() == ["u0", "u1", "u2"]
