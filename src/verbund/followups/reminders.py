"""The daily reminder mail (``verbund followups remind``): one plain-text mail per user listing
the open follow-ups assigned to them that are due on or before the day, in the user's language.

Mails go out through one connection to the mail server. Before a batch of ``CLAIM_EVERY``
users is mailed, the run claims them (``actions.do_claim_reminder_mails``: a fixed number of
queries per batch, not one per user); a user another run claimed, e.g. cron's run on a second
host at the same moment, is skipped. A mail that fails gives its claim back, and so does the
rest of the batch when the run stops, a failure of the server included
(``do_release_reminder_mails``): the next run mails them, and nobody is mailed twice for a day.
"""

import contextlib
import datetime as dt
import smtplib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import sanitize_address
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verbund.core.bulk import chunks
from verbund.core.formatting import format_date, format_number, user_name
from verbund.followups import actions, selectors
from verbund.followups.selectors import Reminder

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Users claimed at once before their mails go out: a run killed outright (no chance to give
# claims back) leaves at most this many users unmailed for the day.
CLAIM_EVERY = 50
# What a failed conversation with the mail server raises (a refused connection, a name that does
# not resolve and a timeout are OSErrors).
MAIL_ERRORS = (OSError, smtplib.SMTPException)


def mail_server() -> str:
    """The mail server as an operator names it: host:port, or the backend that stands in."""
    if settings.EMAIL_BACKEND == SMTP_BACKEND:
        return f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return settings.EMAIL_BACKEND.rsplit(".", 2)[-2]


def mail_problem() -> str | None:
    """Why no mail can be sent with these settings, else None."""
    if settings.EMAIL_BACKEND == SMTP_BACKEND and not settings.EMAIL_HOST:
        return _(
            "No mail server is configured: set VERBUND_EMAIL_HOST (and VERBUND_EMAIL_FROM, "
            "VERBUND_EMAIL_USER, VERBUND_EMAIL_PASSWORD as needed; see docs/operations.md)."
        )
    if settings.EMAIL_USE_TLS and settings.EMAIL_USE_SSL:
        return _("VERBUND_EMAIL_USE_TLS and VERBUND_EMAIL_USE_SSL exclude each other; set one.")
    try:
        # Checked here: a sender Django cannot write would read as every recipient refused.
        sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8")
    except ValueError:
        return _("VERBUND_EMAIL_FROM is no e-mail address: %(value)s") % {
            "value": settings.DEFAULT_FROM_EMAIL
        }
    return None


# A party's path differs only in its id: reversed once per run with this stand-in (reversing it
# per follow-up cost half a millisecond each, half the time of a run of 1,000 mails).
_ANY_ID = 987654321987


class Links:
    """The links a mail carries: none without a base URL (rather than wrong ones)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._party = reverse("party-detail", args=[_ANY_ID])
        self.follow_ups = f"{base_url}{reverse('follow-up-page')}" if base_url else ""

    def party(self, party_id: int) -> str:
        if not self.base_url:
            return ""
        path = self._party.replace(str(_ANY_ID), str(party_id))
        return f"{self.base_url}{path}#section-followups"


def subject_line(reminder: Reminder) -> str:
    """The mail's subject, in the active language: what is overdue and what is due today."""
    parts = []
    if n := reminder.overdue_count:
        parts.append(ngettext("%(n)s overdue", "%(n)s overdue", n) % {"n": format_number(n)})
    if n := reminder.today_count:
        parts.append(ngettext("%(n)s due today", "%(n)s due today", n) % {"n": format_number(n)})
    return _("Follow-ups: %(what)s") % {"what": ", ".join(parts)}


def item_line(follow_up: Any, day: dt.date) -> str:
    """One follow-up as the mail and the dry run list it: due date, state, party, subject."""
    state = _("overdue") if follow_up.due_on < day else _("today")
    party = follow_up.party
    where = f"{party.display_name} ({party.number})"
    return f"{format_date(follow_up.due_on)}, {state}: {where} \u2013 {follow_up.subject}"


def body(reminder: Reminder, day: dt.date, links: Links) -> str:
    """The mail's text, in the active language."""
    lines = [
        _("Hello %(name)s,") % {"name": user_name(reminder.user)},
        "",
        ngettext(
            "one follow-up of yours is due on %(day)s or overdue:",
            "%(n)s follow-ups of yours are due on %(day)s or overdue:",
            reminder.count,
        )
        % {"n": format_number(reminder.count), "day": format_date(day)},
        "",
    ]
    for follow_up in [*reminder.overdue, *reminder.today]:
        lines.append(f"- {item_line(follow_up, day)}")
        if link := links.party(follow_up.party_id):
            lines.append(f"  {link}")
    if reminder.more:
        lines.append(
            ngettext("… and %(n)s more.", "… and %(n)s more.", reminder.more)
            % {"n": format_number(reminder.more)}
        )
    lines.append("")
    if links.follow_ups:
        lines.append(_("All your follow-ups: %(link)s") % {"link": links.follow_ups})
    else:
        lines.append(_("All your follow-ups are on the page “Follow-ups” in Verbund."))
    lines += [
        "",
        _(
            "You get this mail because follow-ups are assigned to you. To stop it, untick "
            "“Daily reminder by e-mail” on the page “Follow-ups”."
        ),
    ]
    return "\n".join(lines) + "\n"


def compose(reminder: Reminder, day: dt.date, links: Links, connection: Any) -> EmailMessage:
    """The reminder as a mail, in the user's language."""
    with translation.override(reminder.language):
        return EmailMessage(
            subject=subject_line(reminder),
            body=body(reminder, day, links),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[reminder.user.email],
            connection=connection,
        )


@dataclass
class Outcome:
    """What a run did: users mailed (with how many follow-ups), users whose address the
    server refused, and the error that stopped it, if one did."""

    users: int = 0
    follow_ups: int = 0
    refused: list[str] = field(default_factory=list)
    error: str = ""


def send_reminders(
    reminders: Iterable[Reminder],
    day: dt.date,
    *,
    base_url: str,
    on_sent: Callable[[Reminder], None] = lambda r: None,
) -> Outcome:
    """Mail each reminder through one connection, each user claimed before their mail (in
    batches) and skipped when another run has them; a mail that does not go out gives its
    claim back, as do the claims not mailed yet when the run stops. A refused address or a mail
    rejected for good (5xx) skips that user only; the server unreachable, a passing error (4xx)
    or the sender refused ends the run."""
    outcome = Outcome()
    links = Links(base_url)
    run = uuid.uuid4().hex
    # Claimed by this run and not mailed (yet): given back when the run ends.
    unsent: set[int] = set()
    connection = get_connection(fail_silently=False)
    try:
        try:
            connection.open()
        except MAIL_ERRORS as exc:
            outcome.error = _failure(exc)
            return outcome
        for batch in chunks(reminders, CLAIM_EVERY):
            claimed = actions.do_claim_reminder_mails(
                day, [(r.user.pk, r.count) for r in batch], run=run
            )
            unsent |= claimed
            for reminder in batch:
                if reminder.user.pk not in claimed:
                    continue  # another run mails this user
                if not _send(compose(reminder, day, links, connection), outcome):
                    if outcome.error:
                        break
                    continue
                unsent.discard(reminder.user.pk)
                outcome.users += 1
                outcome.follow_ups += reminder.count
                on_sent(reminder)
            if outcome.error:
                break
    finally:
        if unsent:
            actions.do_release_reminder_mails(day, unsent, run=run)
        # The server going away after the last mail changes nothing: those were sent.
        with contextlib.suppress(*MAIL_ERRORS):
            connection.close()
    return outcome


def _send(message: EmailMessage, outcome: Outcome) -> bool:
    """Send ``message``; False when it did not go out: its address refused (named in
    ``outcome.refused``) or the run must stop (``outcome.error``)."""
    try:
        message.send()
    except (smtplib.SMTPRecipientsRefused, ValueError):
        # Refused by the server, or an address Django cannot write (ValueError from
        # sanitize_address): this user only.
        outcome.refused.extend(message.to)
        return False
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code < 500 or isinstance(exc, smtplib.SMTPSenderRefused):
            # A passing trouble (4xx) or the sender refused: no mail goes out now.
            outcome.error = _failure(exc)
            return False
        # This mail rejected for good (5xx after the data): the others may pass, and a user
        # after it must not wait for a mail that never goes. A refusal of the data leaves the
        # transaction open (smtplib resets only elsewhere).
        with contextlib.suppress(*MAIL_ERRORS):
            if (smtp := getattr(message.connection, "connection", None)) is not None:
                smtp.rset()
        outcome.refused.extend(message.to)
        return False
    except MAIL_ERRORS as exc:
        outcome.error = _failure(exc)
        return False
    return True


def _failure(exc: BaseException) -> str:
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return _("Mail server %(server)s: %(reason)s") % {"server": mail_server(), "reason": reason}


def due(day: dt.date) -> Iterable[Reminder]:
    """The reminders of ``day`` not sent yet (users without a profile get the default language)."""
    return selectors.reminders_due(day, settings.LANGUAGE_CODE)
