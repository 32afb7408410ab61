"""`verbund followups remind [--dry-run] [--day YYYY-MM-DD]`: the daily reminder mail, for cron.

Each user with open follow-ups due on or before the day gets one mail (followups.reminders);
a second run for the same day, or one at the same moment on another host, mails nobody twice.
Exit status 1, with one line naming the mail server, when no mail server is configured or it
fails.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verbund.core.formatting import format_date, format_number, user_name
from verbund.core.management.base import VerbundCommand, gettext_lazy, iso_date
from verbund.followups import actions, reminders, selectors


def summary(follow_ups: int, users: int) -> dict[str, str]:
    return {
        "reminders": ngettext("%(n)s reminder", "%(n)s reminders", follow_ups)
        % {"n": format_number(follow_ups)},
        "users": ngettext("%(n)s user", "%(n)s users", users) % {"n": format_number(users)},
    }


class Command(VerbundCommand):
    help = gettext_lazy("Follow-ups: mail each user the reminder of what is due (daily, by cron).")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        remind = sub.add_parser(
            "remind",
            help=gettext_lazy(
                "Mail each user their open follow-ups due on the day or overdue, once a day."
            ),
        )
        remind.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("Only list who would get which reminder; send nothing."),
        )
        remind.add_argument(
            "--day", type=iso_date, help=gettext_lazy("The day (YYYY-MM-DD; default: today).")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["day"] or timezone.localdate()
        base_url = settings.VERBUND_BASE_URL
        problem = reminders.mail_problem()
        if options["dry_run"]:
            self._dry_run(day, base_url, problem)
            return
        if problem:
            raise CommandError(problem)
        if not base_url:
            self.stderr.write(_("VERBUND_BASE_URL is not set: the mails carry no links."))
        actions.do_prune_reminder_mails(timezone.localdate())
        already = selectors.reminded_already(day)
        verbose = options["verbosity"] >= 2

        def sent(reminder: selectors.Reminder) -> None:
            if verbose:
                self.stdout.write(
                    f"{user_name(reminder.user)} <{reminder.user.email}>: {reminder.count}"
                )

        outcome = reminders.send_reminders(reminders.due(day), day, base_url=base_url, on_sent=sent)
        for address in outcome.refused:
            self.stderr.write(
                _("The mail server refused the mail to %(address)s; no reminder for it.")
                % {"address": address}
            )
        if already:
            self.stdout.write(
                ngettext(
                    "%(n)s user was reminded for %(day)s already.",
                    "%(n)s users were reminded for %(day)s already.",
                    already,
                )
                % {"n": format_number(already), "day": format_date(day)}
            )
        self.stdout.write(
            _("%(reminders)s sent to %(users)s.") % summary(outcome.follow_ups, outcome.users)
        )
        if outcome.error:
            raise CommandError(outcome.error)

    def _dry_run(self, day: dt.date, base_url: str, problem: str | None) -> None:
        if problem:
            self.stdout.write(problem)
        if not base_url:
            self.stdout.write(_("VERBUND_BASE_URL is not set: the mails would carry no links."))
        users = follow_ups = 0
        for reminder in reminders.due(day):
            users += 1
            follow_ups += reminder.count
            self.stdout.write(
                f"{user_name(reminder.user)} <{reminder.user.email}> ({reminder.language}): "
                f"{reminder.count}"
            )
            for follow_up in [*reminder.overdue, *reminder.today]:
                self.stdout.write(f"  {reminders.item_line(follow_up, day)}")
            if reminder.more:
                self.stdout.write(
                    "  " + _("… and %(n)s more") % {"n": format_number(reminder.more)}
                )
        self.stdout.write(
            _("Dry run (nothing sent): %(reminders)s to %(users)s.") % summary(follow_ups, users)
        )
