"""Sample follow-ups for demo databases (``verbund demo --sample-list``): so that a fresh demo
shows the start page's "Meine Wiedervorlagen" at work, with one overdue, one due today and some
in the next days, for the demo users. Made through the actions, with their audit records."""

import datetime as dt
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.followups.actions import do_complete_follow_up, do_create_follow_up
from verbund.followups.models import FollowUp
from verbund.parties.models import Party

# (user, days from today, subject); the subjects are demo data, German as the demo's parties.
SAMPLES: list[tuple[str, int, str]] = [
    ("demo", -3, "Angebot nachfassen"),
    ("demo", 0, "Rückruf wegen Rahmenvertrag"),
    ("demo", 2, "Termin für Jahresgespräch vereinbaren"),
    ("demo", 5, "Preisliste 2027 zusenden"),
    ("demo", 21, "Vertragsverlängerung prüfen"),
    ("editor", -1, "Reklamation klären"),
    ("editor", 0, "Ansprechpartner bestätigen"),
    ("editor", 4, "Muster nachliefern"),
]


def sample_data(*, actor: Any, stdout: TextIO) -> None:
    """A few follow-ups on the first organisations (once: a database that has follow-ups is
    left as it is); the ``verbund demo`` hook."""
    if FollowUp.objects.exists():
        return
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in={"demo", "editor"})
    }
    parties = list(
        Party.objects.filter(
            kind="organisation", merged_into__isnull=True, archived=False
        ).order_by("id")[: len(SAMPLES) + 1]
    )
    if not parties or not users:
        return
    today = timezone.localdate()
    made = 0
    for n, (username, days, subject) in enumerate(SAMPLES):
        user = users.get(username)
        if user is None:
            continue
        do_create_follow_up(
            actor=user,
            party=parties[n % len(parties)],
            due_on=today + dt.timedelta(days=days),
            subject=subject,
        )
        made += 1
    # One done, with what happened logged on the file.
    if "demo" in users:
        done = do_create_follow_up(
            actor=users["demo"],
            party=parties[-1],
            due_on=today - dt.timedelta(days=7),
            subject="Neuen Einkaufsleiter kennenlernen",
        )
        do_complete_follow_up(
            done,
            actor=users["demo"],
            log_activity=True,
            activity_kind="call",
            activity_text="Erreicht; Besuch im nächsten Monat vereinbart.",
        )
        made += 1
    stdout.write(_("Sample follow-ups created: %(count)s") % {"count": made} + "\n")
