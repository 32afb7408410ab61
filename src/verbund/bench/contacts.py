"""Benchmark the activity form's contact search as the user types: `verbund bench contacts`.

Builds, once per database (``--db-url``; by default a SQLite file in the bench directory), an
organisation with ``--contacts`` contact persons (nine in ten filed under it, one in ten linked
by the "Ansprechpartner" type) among ``--others`` other parties (organisations and the persons
filed under them), then measures per keystroke, for a few queries:

- the picker's request (``activity-contact-pick`` through the Django test client: session,
  permissions, the search, the rendering) and how many queries it runs;
- the selector alone (``activities.selectors.find_contacts``);
- the raw-SQL floor: one hand-written query answering nearly the same search (the
  organisation's contacts today whose folded name, title or upper-cased position holds each
  word, by name, eleven rows at most; the selector also folds umlauts in the position).
"""

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from typing import Any, TextIO

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from verbund.bench import hierarchy
from verbund.bench.common import bench_dir, paired_median_ms, ratio, rows, scalar
from verbund.core.text import fold
from verbund.parties.derive import derive_search_columns
from verbund.parties.models import Party
from verbund.relationships.models import Relationship, RelationshipSource, RelationshipType

MARK = "BCO"  # number prefix of the bench's parties
QUERIES = ["h", "ha", "haendler", "mül", "schaefer ka", "einkauf", "zzz"]
FIRST = ["Hanna", "Karl", "Jürgen", "Sören", "Anna", "Lars", "Petra", "Ömer", "Katja", "Uwe"]
LAST = ["Händler", "Müller", "Schäfer", "Weiß", "Berger", "Conrad", "Krüger", "Link", "Groß"]
POSITIONS = ["Einkauf", "Vertrieb", "Geschäftsführung", "Buchhaltung", ""]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contacts", type=int, default=5_000, help="Contacts of the firm.")
    parser.add_argument("--others", type=int, default=100_000, help="Other parties.")
    parser.add_argument("--db-url", dest="db_url", help="Database to build or reuse.")
    parser.add_argument("--repeat", type=int, default=15, help="Runs per query for the medians.")


def _person(pk: int, rnd: random.Random, organisation: int | None) -> dict[str, Any]:
    first, last = rnd.choice(FIRST), f"{rnd.choice(LAST)}{rnd.randrange(1000):03d}"
    name = f"{first} {last}"
    number = f"{MARK}{pk:09d}"
    search_text, phonetic = derive_search_columns(name, "", number, "Köln", "50667", "")
    return {
        "id": pk, "kind": "person", "number": number, "name": name, "first_name": first,
        "last_name": last, "position": rnd.choice(POSITIONS), "organisation_id": organisation,
        "city": "Köln", "postcode": "50667", "country": "DE", "status": "customer",
        "search_text": search_text, "phonetic": phonetic,
    }  # fmt: skip


def _build(contacts: int, others: int, out: TextIO) -> int:
    """The firm and its contacts among other parties; the firm's id."""
    rnd = random.Random(11)
    now = timezone.now()
    start = int(scalar(f"SELECT COALESCE(MAX(id), 0) FROM {Party._meta.db_table}", [])) + 1
    t0 = time.perf_counter()
    with transaction.atomic():
        firm = start
        orgs = [firm, *range(start + 1, start + 1 + others // 10)]
        parties: list[dict[str, Any]] = []
        for pk in orgs:
            name = "Kontakt-Test AG" if pk == firm else f"Firma {pk} GmbH"
            number = f"{MARK}{pk:09d}"
            st, ph = derive_search_columns(name, "", number, "Köln", "50667", "")
            parties.append(
                {
                    "id": pk,
                    "kind": "organisation",
                    "number": number,
                    "name": name,
                    "city": "Köln",
                    "postcode": "50667",
                    "country": "DE",
                    "status": "customer",
                    "search_text": st,
                    "phonetic": ph,
                }
            )
        pk = orgs[-1] + 1
        linked: list[int] = []
        elsewhere: list[tuple[int, int]] = []
        for i in range(contacts):
            filed = i % 10 != 0
            parties.append(_person(pk, rnd, firm if filed else None))
            if not filed:
                linked.append(pk)
            pk += 1
        # Other firms' contacts, one in ten linked (so the links are not only the firm's).
        for i in range(others - len(orgs)):
            parties.append(_person(pk, rnd, None if i % 10 == 0 else rnd.choice(orgs[1:])))
            if i % 10 == 0:
                elsewhere.append((pk, rnd.choice(orgs[1:])))
            pk += 1
        hierarchy._insert(Party, parties, now)
        contact = RelationshipType.objects.get(key="contact").pk
        links = [
            {
                "type_id": contact,
                "from_party_id": p,
                "to_party_id": to,
                "valid_from": dt.date.today() - dt.timedelta(days=30),
                "source": RelationshipSource.DEMO,
            }
            for p, to in [*((p, firm) for p in linked), *elsewhere]
        ]
        hierarchy._insert(Relationship, links, now)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                for table in (Party._meta.db_table, Relationship._meta.db_table):
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT MAX(id) FROM {table}))"
                    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    out.write(
        f"built {contacts:,} contacts and {others:,} other parties"
        f" in {time.perf_counter() - t0:.1f} s\n"
    )
    return firm


def _raw_sql(firm: int, query: str) -> tuple[str, list[Any]]:
    """The search by hand: the firm's filed and linked persons today whose folded name holds
    every word (a word of fewer than three letters begins a word) or whose position holds the
    query, by name, 11 at most."""
    pt, rt = Party._meta.db_table, Relationship._meta.db_table
    contact = RelationshipType.objects.get(key="contact").pk
    today = dt.date.today()
    words, params = [], []
    # Each word in the folded name, the title or the position (upper-cased, without the
    # selector's folding of umlauts in the position: a floor, not the same rows for "ae").
    for w in fold(query).split():
        other = "UPPER(c.title) LIKE UPPER(%s) OR UPPER(c.position) LIKE UPPER(%s)"
        if len(w) >= 3:
            words.append(f"(c.search_text LIKE %s OR {other})")
            params += [f"%{w}%", f"%{w}%", f"%{w}%"]
        else:
            words.append(f"(c.search_text LIKE %s OR c.search_text LIKE %s OR {other})")
            params += [f"{w}%", f"% {w}%", f"{w}%", f"{w}%"]
    contacts = (
        f"SELECT id FROM {pt} WHERE organisation_id = %s"
        f" UNION SELECT from_party_id FROM {rt} WHERE to_party_id = %s AND type_id = %s"
        " AND (valid_from IS NULL OR valid_from <= %s) AND (valid_to IS NULL OR valid_to >= %s)"
    )
    # PostgreSQL reads the firm's contacts first, then their rows by id (from the words it
    # would read the whole table: it cannot tell the firm's few thousand from the matches).
    among = (
        f"c.id = ANY(ARRAY({contacts}))"
        if connection.vendor == "postgresql"
        else f"c.id IN ({contacts})"
    )
    sql = (
        "SELECT c.id, c.name, c.title, c.first_name, c.last_name, c.position"
        f" FROM {pt} c WHERE {among}"
        " AND c.kind = 'person' AND c.merged_into_id IS NULL AND c.archived = %s"
        f" AND ({' AND '.join(words) or '1 = 0'})"
        " ORDER BY c.search_text, c.id LIMIT 11"
    )
    return sql, [firm, firm, contact, today, today, False, *params]


def _bench_user() -> Any:
    from django.contrib.auth.models import Group, User

    user = User.objects.filter(username="bench-contacts").first()
    if user is None:
        user = User.objects.create_user(username="bench-contacts", password=None)
        user.groups.add(Group.objects.get(name="editor"))
    return user


def measure(firm: int, repeat: int, out: TextIO) -> None:
    from django.test import Client

    from verbund.activities import selectors

    organisation = Party.objects.get(pk=firm)
    client = Client(HTTP_HOST="localhost", HTTP_HX_REQUEST="true")
    client.force_login(_bench_user())
    url = reverse("activity-contact-pick", args=[firm])
    out.write(
        f"{'query':14} {'view ms':>8} {'queries':>7} {'selector ms':>11} {'raw ms':>7}"
        f" {'sel/raw':>7}  found\n"
    )
    for query in QUERIES:

        def view(q: str = query) -> None:
            response = client.get(url, {"contact_query": q})
            if response.status_code != 200:
                raise RuntimeError(f"the picker answered {response.status_code}")

        with CaptureQueriesContext(connection) as seen:
            view()
        queries = len(seen.captured_queries)
        sql, params = _raw_sql(firm, query)
        view_ms, sel_ms, raw_ms = paired_median_ms(
            [
                view,
                lambda q=query: selectors.find_contacts(organisation, q),  # type: ignore[misc]
                lambda s=sql, p=params: rows(s, p),  # type: ignore[misc]
            ],
            repeat,
        )
        found = len(rows(sql, params))
        out.write(
            f"{query:14} {view_ms:8.1f} {queries:7d} {sel_ms:11.2f} {raw_ms:7.2f}"
            f" {ratio(sel_ms, raw_ms) or 0:7.2f}  {found if found <= 10 else '10+'}\n"
        )


def run(options: dict[str, Any], stdout: TextIO) -> int:
    url = options.get("db_url")
    contacts, others = int(options["contacts"]), int(options["others"])
    if url is None and connection.vendor == "sqlite" and not os.environ.get("VERBUND_BENCH_CHILD"):
        bench_dir().mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{(bench_dir() / f'contacts-{contacts}-{others}.sqlite3').resolve()}"
    if url and not os.environ.get("VERBUND_BENCH_CHILD"):
        args = [sys.executable, "-m", "verbund", "bench", "contacts", "--contacts", str(contacts),
                "--others", str(others), "--repeat", str(options["repeat"])]  # fmt: skip
        env = {**os.environ, "DATABASE_URL": url, "VERBUND_BENCH_CHILD": "1"}
        return subprocess.call(args, env=env)  # noqa: S603 - our own interpreter and arguments
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    firm_row = Party.objects.filter(number__startswith=MARK, name="Kontakt-Test AG").first()
    if firm_row is None:
        firm = _build(contacts, others, stdout)
    else:
        firm = firm_row.pk
        stdout.write("reusing the contact search data\n")
    total = Party.objects.count()
    stdout.write(
        f"\ncontact search: {contacts:,} contacts, {total:,} parties, {connection.vendor}\n"
    )
    measure(firm, int(options["repeat"]), stdout)
    return 0
