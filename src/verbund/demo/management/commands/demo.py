"""`verbund demo --size N [--seed S] [--if-empty] [--login] [--revenue-months M]`: demo data."""

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from verbund.core import extensions
from verbund.core.bulk import refresh_all_statistics
from verbund.core.management.base import VerbundCommand, gettext_lazy
from verbund.demo.actions import (
    DEMO_LOGIN,
    DEMO_PASSWORD,
    DEMO_USERS,
    do_ensure_demo_users,
    do_load_demo,
    generate_revenue,
)
from verbund.parties.models import Party

URL = "http://127.0.0.1:8000"


def _n(value: int) -> str:
    """A count with the thousands separator of the active language (1.000.000 / 1,000,000)."""
    return number_format(value, force_grouping=True)


class Command(VerbundCommand):
    help = gettext_lazy(
        "Generate realistic German demo data: groups, chains, purchasing associations, customers, contacts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            type=int,
            default=2000,
            help=gettext_lazy("Number of parties to generate (default 2000)."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help=gettext_lazy("Random seed; the same seed gives the same data (default 1)."),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=gettext_lazy("Do nothing (but ensure the demo users) when parties exist already."),
        )
        parser.add_argument(
            "--login",
            action="store_true",
            help=gettext_lazy("Print the address and the demo login."),
        )
        parser.add_argument(
            "--revenue-months",
            type=int,
            default=24,
            help=gettext_lazy(
                "Months of demo revenue, where the revenue module offers it (default 24, 0: none)."
            ),
        )
        parser.add_argument(
            "--sample-list",
            action="store_true",
            help=gettext_lazy(
                "With the demo data, a fictional sanctions list and two demo suppliers it names, "
                "so the compliance pages have a hit to review (where the compliance module "
                "offers it)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size: int = options["size"]
        if size < 1:
            raise CommandError(_("--size: must be at least 1 (got %(size)s).") % {"size": size})
        if options["revenue_months"] < 0:
            raise CommandError(_("--revenue-months: must not be negative."))
        created = do_ensure_demo_users()
        if created:
            self.stdout.write(_("Demo users created: %(users)s") % {"users": ", ".join(created)})
        if options["if_empty"] and Party.objects.exists():
            self.stdout.write(_("Parties exist already; no demo data generated."))
        else:
            self._load(size, options["seed"], options["revenue_months"])
            if options["sample_list"]:
                # Only with data generated now: never into a database that held other parties.
                for sample_data in extensions.hooks("demo", "sample_data"):
                    sample_data(actor=None, stdout=self.stdout)
        if options["login"]:
            self._print_login()

    def _load(self, size: int, seed: int, months: int) -> None:
        started = time.perf_counter()
        fresh = not Party.objects.exists()
        self.stdout.write(
            _("Generating %(size)s demo parties (seed %(seed)s) …")
            % {"size": _n(size), "seed": seed}
        )
        result = do_load_demo(
            size=size, seed=seed, progress=lambda message: self.stdout.write(f"  {message}")
        )
        if not result.closure_rebuilt:
            self.stdout.write(
                _("  (the hierarchy engine has no rebuild_closure yet: closure not rebuilt)")
            )
        stats = result.stats
        self.stdout.write(
            _(
                "%(parties)s parties, %(rels)s relationships: %(groups)s corporate groups (largest %(largest)s members, "
                "%(depth)s levels below the top), %(chains)s chains, %(assocs)s purchasing associations, %(persons)s contacts."
            )
            % {
                "parties": _n(len(result.party_ids)),
                "rels": _n(len(result.relationship_ids)),
                "groups": _n(stats.get("groups", 0)),
                "largest": _n(stats.get("group_max_size", 0)),
                "depth": stats.get("group_max_depth", 0),
                "chains": _n(stats.get("chains", 0)),
                "assocs": _n(stats.get("associations", 0)),
                "persons": _n(stats.get("person", 0)),
            }
        )
        loaded = time.perf_counter()
        # On a fresh database "every customer" is exactly the new parties, and far cheaper to select.
        try:
            ids = None if fresh else result.party_ids
            offered = not months or generate_revenue(ids, months, seed, self.stdout)
        except DatabaseError as exc:
            # The parties and relationships are committed; only the revenue step failed.
            raise CommandError(
                _("Demo data loaded, but demo revenue failed: %(error)s") % {"error": exc}
            ) from None
        if not offered:
            self.stdout.write(_("  (no revenue module: no demo revenue)"))
        result.timings["revenue"] = time.perf_counter() - loaded
        # A demo of fewer than ANALYZE_MIN_ROWS parties passed no bulk writer's mark, and the
        # job workers' daily refresh comes only after their first sweep: until then SQLite
        # planned the first visitors' pages without statistics.
        refresh_all_statistics()
        self.stdout.write(_("Done in %(sec).1f s.") % {"sec": time.perf_counter() - started})

    def _print_login(self) -> None:
        others = ", ".join(u for u, _role, _staff in DEMO_USERS if u != DEMO_LOGIN)
        self.stdout.write("")
        self.stdout.write(_("Verbund is ready at %(url)s") % {"url": URL})
        self.stdout.write(
            _("Demo login: user %(user)s, password %(password)s (may do everything)")
            % {"user": DEMO_LOGIN, "password": DEMO_PASSWORD}
        )
        self.stdout.write(_("One user per role, same password: %(users)s") % {"users": others})
