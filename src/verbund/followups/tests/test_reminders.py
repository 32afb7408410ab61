"""`verbund followups remind`: one mail a day per user with their open follow-ups due that day or
overdue, in their language; nobody twice for a day; opted-out users, users without an address,
inactive users and users without the right to read follow-ups get none; a missing or failing
mail server is one clear line and exit status 1, and who was mailed before the failure stays
recorded. The mails go to Django's in-memory outbox (pytest-django's ``mailoutbox``)."""

import datetime as dt
import smtplib
import socket
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.mail.message import sanitize_address
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from verbund.core.actions import do_set_language, do_set_reminder_mail
from verbund.followups import reminders, selectors
from verbund.followups.actions import (
    REMINDERS_KEPT_DAYS,
    do_complete_follow_up,
    do_create_follow_up,
)
from verbund.followups.models import ReminderMail

pytestmark = pytest.mark.django_db

DAY = timezone.localdate()
BASE = "https://crm.example.de"


def _day(days: int) -> dt.date:
    return DAY + dt.timedelta(days=days)


def _german(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture(autouse=True)
def _mail_settings(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.VERBUND_BASE_URL = BASE
    settings.DEFAULT_FROM_EMAIL = "verbund@example.de"


def remind(*args: str) -> str:
    out = StringIO()
    call_command("followups", "remind", "--day", DAY.isoformat(), *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def cli(capsys: Any, keep_test_connection: None) -> Any:
    """The command as cron runs it: exit status, standard output and error."""

    def run(*args: str) -> tuple[int, str, str]:
        argv = ["verbund", "followups", "remind", "--day", DAY.isoformat(), *args]
        code = 0
        try:
            ManagementUtility(argv).fetch_command("followups").run_from_argv(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def sales(make_user: Any) -> Any:
    return make_user("editor", username="vertrieb", email="vertrieb@example.de")


@pytest.fixture
def other(make_user: Any) -> Any:
    return make_user("viewer", username="innendienst", email="innendienst@example.de")


def follow_up(user: Any, party: Any, days: int, subject: str) -> Any:
    return do_create_follow_up(
        actor=user, party=party, due_on=_day(days), subject=subject, assigned_to=user
    )


def mail_to(address: str) -> Any:
    found = [m for m in mail.outbox if m.to == [address]]
    assert len(found) == 1, [m.to for m in mail.outbox]
    return found[0]


def test_each_user_gets_one_mail_listing_overdue_then_today_in_german(
    sales, other, org, mailoutbox
):
    mueller = org("Müller GmbH")
    schmidt = org("Schmidt AG")
    follow_up(sales, schmidt, 0, "Zurückrufen wegen Rahmenvertrag")
    follow_up(sales, mueller, -3, "Angebot nachfassen")
    follow_up(sales, mueller, -1, "Preisliste schicken")
    follow_up(sales, mueller, 1, "Morgen erst")
    done = follow_up(sales, mueller, -2, "Schon erledigt")
    do_complete_follow_up(done, actor=sales)
    follow_up(other, schmidt, 0, "Fremde Wiedervorlage")

    out = remind()

    assert "4 Erinnerungen an 2 Benutzer versandt." in out
    assert len(mailoutbox) == 2
    message = mail_to("vertrieb@example.de")
    assert message.subject == "Wiedervorlagen: 2 überfällig, 1 heute fällig"
    assert message.from_email == "verbund@example.de"
    text = message.body
    assert text.startswith("Guten Tag vertrieb,")
    assert f"3 Ihrer Wiedervorlagen sind am {_german(DAY)} fällig oder überfällig:" in text
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert lines == [
        f"- {_german(_day(-3))}, überfällig: Müller GmbH ({mueller.number}) \u2013 Angebot nachfassen",
        f"- {_german(_day(-1))}, überfällig: Müller GmbH ({mueller.number}) \u2013 Preisliste schicken",
        f"- {_german(DAY)}, heute: Schmidt AG ({schmidt.number}) \u2013 Zurückrufen wegen Rahmenvertrag",
    ]
    assert f"  {BASE}/parties/{mueller.pk}/#section-followups" in text
    assert f"Alle Ihre Wiedervorlagen: {BASE}/follow-ups/" in text
    assert "Tägliche Erinnerung per E-Mail" in text
    for absent in ("Morgen erst", "Schon erledigt", "Fremde Wiedervorlage"):
        assert absent not in text
    assert "Fremde Wiedervorlage" in mail_to("innendienst@example.de").body


def test_a_user_who_chose_english_gets_the_mail_in_english(sales, org, mailoutbox):
    do_set_language(sales, "en")
    sales.first_name, sales.last_name = "Erika", "Muster"
    sales.save()
    party = org("Müller GmbH")
    follow_up(sales, party, -2, "Angebot nachfassen")
    follow_up(sales, party, 0, "Zurückrufen")

    remind()

    message = mail_to("vertrieb@example.de")
    assert message.subject == "Follow-ups: 1 overdue, 1 due today"
    day = _day(-2)
    assert message.body.startswith("Hello Erika Muster,")
    assert f"2 follow-ups of yours are due on {DAY.day} {DAY:%b %Y} or overdue:" in message.body
    assert f"- {day.day} {day:%b %Y}, overdue: Müller GmbH" in message.body
    assert f"All your follow-ups: {BASE}/follow-ups/" in message.body
    assert "überfällig" not in message.body


def test_a_second_run_for_the_same_day_mails_nobody_twice(sales, other, org, mailoutbox):
    party = org()
    follow_up(sales, party, 0, "Anrufen")
    follow_up(other, party, -1, "Besuchen")
    remind()
    assert len(mailoutbox) == 2
    # One more due today after the first run waits for tomorrow's mail.
    follow_up(sales, party, 0, "Noch etwas")

    out = remind()

    assert len(mailoutbox) == 2
    assert "2 Benutzer wurden für den" in out and "schon erinnert" in out
    assert "0 Erinnerungen an 0 Benutzer versandt." in out
    assert set(ReminderMail.objects.values_list("user__username", "day", "follow_ups")) == {
        ("vertrieb", DAY, 1),
        ("innendienst", DAY, 1),
    }
    call_command("followups", "remind", "--day", _day(1).isoformat(), stdout=StringIO())
    assert len(mailoutbox) == 4


@pytest.mark.parametrize(
    "who", ["switched off", "no address", "deactivated", "no right to read follow-ups"]
)
def test_users_who_must_not_get_a_mail_get_none(who, sales, make_user, org, mailoutbox):
    party = org()
    follow_up(sales, party, 0, "Anrufen")
    if who == "switched off":
        do_set_reminder_mail(sales, False)
    elif who == "no address":
        sales.email = ""
        sales.save()
    elif who == "deactivated":
        sales.is_active = False
        sales.save()
    else:
        sales.groups.clear()

    out = remind()

    assert mailoutbox == []
    assert "0 Erinnerungen an 0 Benutzer versandt." in out
    assert not ReminderMail.objects.exists()


def test_switching_the_mail_back_on_mails_again(sales, org, mailoutbox):
    follow_up(sales, org(), 0, "Anrufen")
    do_set_reminder_mail(sales, False)
    do_set_reminder_mail(sales, True)
    remind()
    assert len(mailoutbox) == 1


def test_a_dry_run_lists_what_would_be_sent_and_sends_and_records_nothing(
    sales, org, mailoutbox, settings
):
    settings.VERBUND_BASE_URL = ""
    party = org("Müller GmbH")
    follow_up(sales, party, -1, "Angebot nachfassen")

    out = remind("--dry-run")

    assert mailoutbox == [] and not ReminderMail.objects.exists()
    assert "VERBUND_BASE_URL ist nicht gesetzt: die Mails enthielten keine Links." in out
    assert "vertrieb <vertrieb@example.de> (de): 1" in out
    assert (
        f"  {_german(_day(-1))}, überfällig: Müller GmbH ({party.number}) \u2013 Angebot nachfassen"
        in out
    )
    assert "Probelauf (nichts gesendet): 1 Erinnerung an 1 Benutzer." in out


def test_without_a_base_url_the_mail_carries_no_links(sales, org, mailoutbox, settings):
    settings.VERBUND_BASE_URL = ""
    follow_up(sales, org(), 0, "Anrufen")
    out = remind()
    body = mail_to("vertrieb@example.de").body
    assert "http" not in body and "/parties/" not in body
    assert "auf der Seite „Wiedervorlagen“ in Verbund" in body
    assert "VERBUND_BASE_URL ist nicht gesetzt" in out


def test_without_a_mail_server_the_command_says_so_and_exits_1(sales, org, settings, cli):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    follow_up(sales, org(), 0, "Anrufen")

    code, _out, err = cli()

    assert code == 1
    assert "Kein Mailserver eingerichtet: VERBUND_EMAIL_HOST setzen" in err
    assert "Traceback" not in err
    assert not ReminderMail.objects.exists()
    # The dry run still lists what would be sent.
    code, out, err = cli("--dry-run")
    assert code == 0
    assert "Kein Mailserver eingerichtet" in out and "vertrieb <vertrieb@example.de>" in out


def test_an_unreachable_mail_server_is_one_line_naming_it(sales, org, settings, cli):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    follow_up(sales, org(), 0, "Anrufen")

    code, _out, err = cli()

    assert code == 1
    assert f"Mailserver 127.0.0.1:{port}:" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not ReminderMail.objects.exists()


def test_a_server_failing_mid_run_keeps_who_was_mailed_recorded(
    make_user, org, monkeypatch, mailoutbox
):
    party = org()
    users = [
        make_user("viewer", username=f"user{n}", email=f"user{n}@example.de") for n in range(3)
    ]
    for user in users:
        follow_up(user, party, 0, "Anrufen")
    real_send = EmailBackend.send_messages
    calls = []

    def failing(self: Any, messages: Any) -> int:
        calls.append(messages)
        if len(calls) == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", failing)
    with pytest.raises(CommandError, match="Connection unexpectedly closed"):
        remind()
    assert [m.to for m in mailoutbox] == [["user0@example.de"]]
    assert list(ReminderMail.objects.values_list("user__username", flat=True)) == ["user0"]

    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    out = remind()
    assert "2 Erinnerungen an 2 Benutzer versandt." in out
    assert sorted(m.to[0] for m in mailoutbox) == [f"user{n}@example.de" for n in range(3)]


def test_an_address_the_server_refuses_skips_that_user_only(
    make_user, org, monkeypatch, mailoutbox
):
    party = org()
    for name in ("gut", "kaputt"):
        follow_up(make_user("viewer", username=name, email=f"{name}@example.de"), party, 0, "A")
    real_send = EmailBackend.send_messages

    def refusing(self: Any, messages: Any) -> int:
        if messages[0].to == ["kaputt@example.de"]:
            raise smtplib.SMTPRecipientsRefused({"kaputt@example.de": (550, b"no such user")})
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refusing)
    out = remind()

    assert [m.to for m in mailoutbox] == [["gut@example.de"]]
    assert "Der Mailserver hat die Mail an kaputt@example.de abgelehnt" in out
    assert "1 Erinnerung an 1 Benutzer versandt." in out
    assert list(ReminderMail.objects.values_list("user__username", flat=True)) == ["gut"]


def test_a_mail_rejected_for_good_or_an_unwritable_address_skips_that_user_only(
    make_user, org, monkeypatch, mailoutbox
):
    party = org()
    for name in ("a1", "bad2", "c3", "d4"):
        email = "x2@b@c.de" if name == "d4" else f"{name}@example.de"
        follow_up(make_user("viewer", username=name, email=email), party, 0, "A")
    real_send = EmailBackend.send_messages

    def rejecting(self: Any, messages: Any) -> int:
        # What the SMTP backend does first with each address (the test's backend does not).
        sanitize_address(messages[0].to[0], "utf-8")
        if messages[0].to == ["bad2@example.de"]:
            raise smtplib.SMTPDataError(554, b"content rejected")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", rejecting)
    out = remind()
    # Before, the run stopped at bad2 and c3 waited for ever (bad2 was never recorded); the
    # unwritable stored address was a traceback.
    assert sorted(m.to[0] for m in mailoutbox) == ["a1@example.de", "c3@example.de"]
    assert "Der Mailserver hat die Mail an bad2@example.de abgelehnt" in out
    assert "Der Mailserver hat die Mail an x2@b@c.de abgelehnt" in out
    assert "2 Erinnerungen an 2 Benutzer versandt." in out
    assert sorted(ReminderMail.objects.values_list("user__username", flat=True)) == ["a1", "c3"]


def test_a_passing_server_error_ends_the_run_and_the_next_run_goes_on(
    make_user, org, monkeypatch, mailoutbox
):
    party = org()
    for name in ("a1", "b2"):
        follow_up(make_user("viewer", username=name, email=f"{name}@example.de"), party, 0, "A")
    real_send = EmailBackend.send_messages

    def busy(self: Any, messages: Any) -> int:
        if messages[0].to == ["b2@example.de"]:
            raise smtplib.SMTPDataError(451, b"try again later")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", busy)
    with pytest.raises(CommandError, match="try again later"):
        remind()
    assert [m.to for m in mailoutbox] == [["a1@example.de"]]
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert "1 Erinnerung an 1 Benutzer versandt." in remind()


def test_a_long_list_is_cut_and_the_rest_counted(sales, org, monkeypatch, mailoutbox):
    monkeypatch.setattr(selectors, "MAIL_LIMIT", 2)
    party = org()
    for n, days in enumerate((-2, -1, 0, 0)):
        follow_up(sales, party, days, f"Nummer {n}")
    out = remind()
    message = mail_to("vertrieb@example.de")
    # The subject counts all, those beyond the list (due today here) too.
    assert message.subject == "Wiedervorlagen: 2 überfällig, 2 heute fällig"
    assert "4 Ihrer Wiedervorlagen" in message.body
    assert message.body.count("\n- ") == 2 and "Nummer 1" in message.body
    assert "… und 2 weitere." in message.body and "Nummer 2" not in message.body
    assert "4 Erinnerungen an 1 Benutzer versandt." in out
    assert ReminderMail.objects.get().follow_ups == 4


def test_the_queries_of_a_run_do_not_grow_with_the_users(make_user, org, mailoutbox):
    party = org()

    def users(first: int, n: int) -> None:
        for k in range(first, first + n):
            user = make_user("viewer", username=f"u{k}", email=f"u{k}@example.de")
            follow_up(user, party, -1, "Alt")
            follow_up(user, party, 0, "Heute")
            if k % 2:
                do_set_language(user, "en")

    def count(day: dt.date, *args: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            call_command("followups", "remind", "--day", day.isoformat(), *args, stdout=StringIO())
        return len(queries)

    users(0, 2)
    before = count(DAY), count(DAY, "--dry-run")
    users(2, 5)
    after = count(_day(1)), count(_day(1), "--dry-run")
    assert len(mailoutbox) == 2 + 7
    assert after == before, f"{before} queries with 2 users, {after} with 7"
    # The run: prune, count those reminded already, read the reminders, claim the users (an
    # insert and a read of what the run holds; the two writes in a savepoint each, inside the
    # test's transaction); the dry run: the read.
    assert before == (9, 1)


def test_records_older_than_the_kept_days_are_pruned(sales, org, mailoutbox):
    ReminderMail.objects.create(user=sales, day=_day(-REMINDERS_KEPT_DAYS - 1), follow_ups=1)
    ReminderMail.objects.create(user=sales, day=_day(-REMINDERS_KEPT_DAYS), follow_ups=1)
    remind()
    assert list(ReminderMail.objects.values_list("day", flat=True)) == [_day(-REMINDERS_KEPT_DAYS)]


def test_a_day_that_is_no_date_is_refused(cli):
    code, _out, err = cli("--day", "morgen")
    assert code == 2 and "morgen ist kein Datum (JJJJ-MM-TT)." in err


def test_a_sender_that_is_no_address_is_said_before_any_mail(sales, org, settings, cli):
    settings.DEFAULT_FROM_EMAIL = "a@b@c"
    follow_up(sales, org(), 0, "Anrufen")

    code, _out, err = cli()

    # Before, each recipient was reported as refused and the run ended "successfully".
    assert code == 1 and "VERBUND_EMAIL_FROM" in err and "a@b@c" in err
    assert not ReminderMail.objects.exists()


def test_tls_and_ssl_together_are_refused_as_settings(settings):
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = True
    assert "schließen einander aus" in (reminders.mail_problem() or "")
