"""The whole group on a member's file: who belongs to it and the contacts of its members.

A party's group (chain, association, ...) is today's subtree of its ultimate parent along a
hierarchy type, read from the closure table in the same statement as the rows wanted (no list
of 100,000 ids travels to Python). A party in no tree of the type is a group of one.

Contacts of a member are the persons filed under it (``Party.organisation``) and the persons
with a link valid today of a network type whose from-side is a person (the built-in
"Ansprechpartner" type: person -> organisation). A person contact of two members is listed
once per member.

Pages are keyset pages: a cursor holds the last row's sort key, so no OFFSET, and the first
page of a 100,000-member group reads no more than it shows plus the sort. A page's count ("20
von 1.030") is asked for, and stops at 10,000 (``core.paging.list_count``).
"""

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from verbund.core.forms import parse_day
from verbund.core.paging import ListCount, list_count
from verbund.core.serializers import ID_MAX
from verbund.core.text import fold
from verbund.hierarchies import engine, selectors, wordmatch
from verbund.hierarchies.engine import CT, PT, RT
from verbund.hierarchies.models import ClosureEntry
from verbund.parties.models import Party
from verbund.parties.selectors import MIN_INNER, word_search
from verbund.relationships.models import KindRule, RelationshipType, Structure

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_CURSOR = 1000


@dataclass
class Members:
    """The members of a party's group today, as SQL: ``sql`` selects their ids (one column
    ``id``) with ``params``; ``root`` is the ultimate parent, ``type_id`` the hierarchy type."""

    root: int
    type_id: int
    sql: str
    params: list[Any]
    # The same set for the ORM: party ids, or None for the root's subtree in the closure.
    only: int | None = None
    whole_tree: bool = True

    def filter_q(self, field: str) -> Q:
        """A Q object: ``field`` (a party id column) holds a member of the group."""
        if self.only is not None:
            return Q(**{field: self.only})
        if not self.whole_tree:
            return Q(**{field: self.root})
        sub = ClosureEntry.objects.filter(type_id=self.type_id, ancestor_id=self.root)
        return Q(**{f"{field}__in": sub.values("descendant_id")})


def members(party_id: int, type_key: str = "group", member: int | None = None) -> Members:
    """The group of ``party_id`` along ``type_key`` today; with ``member`` only that member
    (refused naming ``member`` when it is not in the group)."""
    type_id = selectors.hierarchy_type_id(type_key)
    engine.ensure_fresh(type_id)
    root = selectors.top_ancestor(int(party_id), type_id)
    whole_tree = selectors.in_tree(root, type_id)
    if whole_tree:
        sql = f"SELECT descendant_id AS id FROM {CT} WHERE type_id = %s AND ancestor_id = %s"
        params: list[Any] = [type_id, root]
    else:
        sql = f"SELECT id FROM {PT} WHERE id = %s"
        params = [root]
    if member is not None:
        with connection.cursor() as cur:
            cur.execute(f"SELECT 1 FROM ({sql}) m WHERE m.id = %s", [*params, member])
            if cur.fetchone() is None:
                raise ValidationError(
                    {"member": [_("Party %(id)s is not a member of this group.") % {"id": member}]}
                )
        sql, params = f"SELECT id FROM {PT} WHERE id = %s", [member]
    return Members(root, type_id, sql, params, only=member, whole_tree=whole_tree)


# --- cursors ------------------------------------------------------------------------------


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, shape: tuple[type, ...]) -> list[Any] | None:
    """The values a cursor holds when they have the types of ``shape`` (ints from 0, the top's
    depth, to the id range), else None: a cursor this module did not write starts from the
    first page."""
    if not cursor or len(cursor) > MAX_CURSOR:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(data, list) or len(data) != len(shape):
        return None
    for value, kind in zip(data, shape, strict=True):
        if type(value) is not kind:
            return None
        if isinstance(value, int) and not 0 <= value <= ID_MAX:
            return None
    return data


def page_size(raw: Any, default: int = PAGE_SIZE) -> int:
    """The page size asked for (``page_size``), refused naming it unless 1 to MAX_PAGE_SIZE."""
    if raw in (None, ""):
        return default
    try:
        size = int(str(raw))
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError(
            {
                "page_size": [
                    _("The page size must be a whole number from 1 to %(max)s.")
                    % {"max": MAX_PAGE_SIZE}
                ]
            }
        )
    return size


def as_day(raw: Any, name: str) -> dt.date | None:
    """A date parameter as typed ("5.12.2026") or ISO (YYYY-MM-DD), refused naming ``name``;
    empty is None."""
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date):
        return raw
    day = parse_day(str(raw))
    if day is None:
        raise ValidationError({name: [_("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw}]})
    return day


# --- contacts -----------------------------------------------------------------------------


CONTACT_COLUMNS = (
    "id", "number", "name", "first_name", "last_name", "title", "position", "phone", "email",
    "member_id", "member_number", "member_name",
)  # fmt: skip


def _contact_types_sql() -> tuple[str, list[Any]]:
    """Network types whose from-side is a person: the links that make a person a contact."""
    return (
        f"SELECT id FROM {RelationshipType._meta.db_table} WHERE structure = %s AND from_kind = %s",
        [Structure.NETWORK, KindRule.PERSON],
    )


def contact_type_ids() -> list[int]:
    """The ids of the contact types (``_contact_types_sql``)."""
    with connection.cursor() as cur:
        cur.execute(*_contact_types_sql())
        return [int(r[0]) for r in cur.fetchall()]


def _pairs_sql(
    group: Members, types: list[int] | None, day: dt.date, *, persons: bool = False
) -> tuple[str, list[Any]]:
    """(person, member) pairs of the group's contacts, as SQL; the reader keeps the pairs whose
    person is ``person_ok``. (Its kind is checked there, not here: the persons filed under a
    member then come from the organisation index alone.) ``types``: the contact types' ids,
    or None to read them in the same statement (``_contact_types_sql``). ``persons``: the
    person column alone, a person linked twice there twice (for ``IN``, which needs no
    de-duplication of pairs)."""
    # One member is compared as a value: the planners then read its contacts straight from
    # the indexes, with no join to the member's own row first.
    among, among_params = (
        ("= %s", [group.only]) if group.only is not None else (f"IN ({group.sql})", group.params)
    )
    pid, mid, union = (
        ("p.id", "", " UNION ALL")
        if persons
        else ("p.id AS pid", ", p.organisation_id AS mid", " UNION")
    )
    sql = f"SELECT {pid}{mid} FROM {PT} p WHERE p.organisation_id {among}"
    params = list(among_params)
    if types is None:
        marks, type_params = _contact_types_sql()
    else:
        marks, type_params = ", ".join(["%s"] * len(types)), list(types)
    if type_params:
        sql += (
            f"{union} SELECT r.from_party_id{', r.to_party_id' if not persons else ''} FROM {RT} r"
            f" WHERE r.to_party_id {among} AND r.type_id IN ({marks})"
            f" AND {engine.valid_sql('r')}"
        )
        params += [*among_params, *type_params, day, day]
    return sql, params


@dataclass
class ContactPage:
    rows: list[dict[str, Any]]
    next_cursor: str
    root: int
    count: ListCount | None = None


def contacts(
    party_id: int,
    type_key: str = "group",
    *,
    member: int | None = None,
    cursor: str = "",
    size: int = PAGE_SIZE,
    counted: bool = False,
    first: int = 1,
) -> ContactPage:
    """One page of the contacts of the group's members: member by member in tree order (the
    top first, then each level), by name within a member; ``counted`` adds how many of how
    many contacts (member and person pairs, as the rows) the page shows, from its row
    ``first`` (``core.paging.first_row``).

    This order lets a page stop early: the members come from the closure's subtree index in
    that order, each probing the persons filed under it, so the first page of a 100,000-member
    group reads only as many members as it takes to fill it (the whole group only when it
    has fewer contacts than a page). Linked contacts come from a second read in the same order:
    driven by the links themselves where the database holds few of them (``FEW_LINKS``), else
    by the members; the two are merged here.
    """
    group = members(party_id, type_key, member)
    after = decode_cursor(cursor, (int, int, str, int))
    keys = _fk_contact_keys(group, after, size + 1)
    types = contact_type_ids()
    if types:
        keys += _link_contact_keys(group, types, after, size + 1)
    found = sorted(set(keys))[: size + 1]
    rows = _contact_rows(found[:size])
    next_cursor = encode_cursor(list(found[size - 1])) if len(found) > size else ""
    count = None
    if counted:
        complete = after is None and not next_cursor
        count = list_count(_contacts_sql(group, types), len(rows), complete=complete, first=first)
    return ContactPage(rows=rows, next_cursor=next_cursor, root=group.root, count=count)


def _contacts_sql(group: Members, types: list[int]) -> tuple[str, list[Any]]:
    """The rows the contact pages show, one per (person, member), as SQL to count."""
    pairs, params = _pairs_sql(group, types, engine.today())
    return (
        f"SELECT pr.pid FROM ({pairs}) pr JOIN {PT} c ON c.id = pr.pid WHERE {PERSON_OK}",
        [*params, False],
    )


# Below this many contact links in the whole database, linked contacts are found from the
# links (each checked against the group in the closure) rather than from the group's members.
FEW_LINKS = 20_000
Key = tuple[int, int, str, int]  # (member depth, member id, person name, person id)


def _after_sql(after: list[Any] | None, depth: str, mid: str) -> tuple[str, list[Any]]:
    if after is None:
        return "", []
    return (
        f" AND {depth} >= %s AND ({depth} > %s OR ({depth} = %s AND ({mid} > %s OR ({mid} = %s"
        " AND (c.name > %s OR (c.name = %s AND c.id > %s))))))",
        [after[0], after[0], after[0], after[1], after[1], after[2], after[2], after[3]],
    )


def _keys(sql: str, params: list[Any]) -> list[Key]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [(int(d), int(m), str(n), int(p)) for d, m, n, p in cur.fetchall()]


def person_ok(alias: str) -> str:
    """The party ``alias`` may be listed as a contact: a person, neither merged nor archived
    (one parameter: False)."""
    return f"{alias}.kind = 'person' AND {alias}.merged_into_id IS NULL AND {alias}.archived = %s"


PERSON_OK = person_ok("c")


def _fk_contact_keys(group: Members, after: list[Any] | None, limit: int) -> list[Key]:
    """Persons filed under a member (``Party.organisation``)."""
    if group.only is None and group.whole_tree:
        cond, extra = _after_sql(after, "x.depth", "x.descendant_id")
        return _keys(
            f"SELECT x.depth, x.descendant_id, c.name, c.id FROM {CT} x"
            f" {'CROSS ' if connection.vendor == 'sqlite' else ''}JOIN {PT} c"
            " ON c.organisation_id = x.descendant_id"
            f" WHERE x.type_id = %s AND x.ancestor_id = %s AND {PERSON_OK}{cond}"
            " ORDER BY x.depth, x.descendant_id, c.name, c.id LIMIT %s",
            [group.type_id, group.root, False, *extra, limit],
        )
    single = group.only if group.only is not None else group.root
    cond, extra = _after_sql(after, "0", "c.organisation_id")
    return _keys(
        f"SELECT 0, c.organisation_id, c.name, c.id FROM {PT} c"
        f" WHERE c.organisation_id = %s AND {PERSON_OK}{cond}"
        " ORDER BY c.name, c.id LIMIT %s",
        [single, False, *extra, limit],
    )


@dataclass
class ContactMatches:
    """Contacts found by ``search_contacts``: ``parties`` (id, names, position loaded), and
    ``more`` when others match as well."""

    parties: list[Party]
    more: bool


def _card_sql(word: str) -> tuple[str, list[Any]]:
    """The folded query ``word`` in the person's position or title, as SQL
    (``hierarchies.wordmatch``: "geschaeftsfuehrer" and "Geschaftsfuhrer" find
    "Geschäftsführer"): a LIKE lets through the texts that may hold it, the exact match
    follows (on SQLite the word as typed first, which answers most, then GLOB)."""
    pg = connection.vendor == "postgresql"
    like = "ILIKE %s" if pg else "LIKE %s ESCAPE '\\'"
    exact = wordmatch.like_exact(word)
    if exact == ():
        check, check_params = "", []
    elif pg:  # one regular expression costs less than ILIKE per sign
        check, check_params = "{col} ~ %s", [wordmatch.regex(word)]
    elif exact is not None:
        check, check_params = " OR ".join([f"{{col}} {like}"] * len(exact)), list(exact)
    else:
        plain = [f"%{connection.ops.prep_for_like_query(word)}%"] * (len(word) >= MIN_INNER)
        globs = list(wordmatch.glob_patterns(word))
        check = " OR ".join([f"{{col}} {like}"] * len(plain) + ["{col} GLOB %s"] * len(globs))
        check_params = [*plain, *globs]
    sieve = wordmatch.like_filter(word)
    sql, params = [], []
    for column in ("position", "title"):
        col = f"{PT}.{column}"
        also = f" AND ({check.format(col=col)})" if check else ""
        sql.append(f"({col} <> '' AND {col} {like}{also})")
        params += [sieve, *check_params]
    return " OR ".join(sql), params


def search_contacts(member_id: int, text: str, limit: int = 10) -> ContactMatches:
    """The contacts of the member ``member_id`` today (the rows ``contacts`` lists for it and
    ``_contacts_sql`` counts) of whom every word of ``text`` is found, by folded name, at most
    ``limit``; ``more`` says others match too. Characters that do not print in ``text`` count
    as spaces (PostgreSQL refuses a NUL, and SQLite would end the pattern there).

    A word (folded: "Müller" is "mueller") is found in the person's stored, folded
    ``search_text`` as the party search finds it ("haendler" finds "Händler"; that holds the
    number, postcode and city besides the name), or in the title or position as
    ``hierarchies.wordmatch`` finds it there: folded alike, and a vowel typed without its
    umlaut finds it too ("geschaeftsfuehrer" and "Geschaftsfuhrer" find "Geschäftsführer").
    From three letters anywhere, a shorter word where a word begins. The words may come from
    name, title and position together ("Müller Einkauf").

    The title is searched rather than its words ignored: the list shows "Dr. Hanna Müller",
    and a user who types what is shown means her, not Hans Müller ("Dr. Müller" finds only
    her); "Prof" finds the professors. A person whose title was never recorded is then not
    found by "Dr. Müller"; "Müller" finds both.

    The database filters and stops after ``limit + 1`` rows: one query, whatever the member's
    number of contacts."""
    # A tab or a non-breaking space (pasted from a mail) separates words, as fold() reads it.
    needle = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    words = fold(needle).split()
    if not words:
        return ContactMatches([], False)
    ids, params = _pairs_sql(_one_member(member_id), None, engine.today(), persons=True)
    # The persons' ids, then each person's row, filtered (no second read of the row, as
    # joining ``_contacts_sql`` would take). PostgreSQL is told to: from the words it may read
    # the whole table instead, unable to tell a member's few thousand contacts from the matches.
    among = f"= ANY(ARRAY({ids}))" if connection.vendor == "postgresql" else f"IN ({ids})"
    contact = RawSQL(  # noqa: S611 - our SQL, the values as parameters
        f"{PT}.id {among} AND {person_ok(PT)}",
        [*params, False],
        output_field=BooleanField(),
    )
    # Querysets combined with "&" and "|", so the contacts' SQL appears once; the name first,
    # which finds most and is cheapest to test.
    found_by: QuerySet[Party] = Party.objects.filter(contact)
    for word in dict.fromkeys(words):
        sql, card_params = _card_sql(word)
        card = RawSQL(f"({sql})", card_params, output_field=BooleanField())  # noqa: S611
        found_by &= word_search(Party.objects.all(), word) | Party.objects.filter(card)
    found = list(
        found_by.only(
            "id", "kind", "name", "title", "first_name", "last_name", "position"
        ).order_by("search_text", "id")[: limit + 1]
    )
    return ContactMatches(found[:limit], len(found) > limit)


def is_contact(member_id: int, person_id: int) -> bool:
    """Whether ``person_id`` is one of the contacts ``contacts`` lists for the member
    ``member_id`` today: filed under it, or linked to it by a contact type valid today;
    neither merged nor archived. One query besides the contact types' ids, whatever the
    member's number of contacts."""
    types = contact_type_ids()
    sql = f"SELECT 1 FROM {PT} c WHERE c.id = %s AND {PERSON_OK} AND (c.organisation_id = %s"
    params: list[Any] = [person_id, False, member_id]
    if types:
        marks = ", ".join(["%s"] * len(types))
        day = engine.today()
        sql += (
            f" OR EXISTS (SELECT 1 FROM {RT} r WHERE r.from_party_id = c.id"
            f" AND r.to_party_id = %s AND r.type_id IN ({marks}) AND {engine.valid_sql('r')})"
        )
        params += [member_id, *types, day, day]
    with connection.cursor() as cur:
        cur.execute(sql + ")", params)
        return cur.fetchone() is not None


def _link_contact_keys(
    group: Members, types: list[int], after: list[Any] | None, limit: int
) -> list[Key]:
    """Persons linked to a member by a contact type, valid today."""
    marks = ", ".join(["%s"] * len(types))
    day = engine.today()
    valid = engine.valid_sql("r")
    if group.only is None and group.whole_tree:
        cond, extra = _after_sql(after, "x.depth", "x.descendant_id")
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {RT} WHERE type_id IN ({marks}) LIMIT %s) t",
                [*types, FEW_LINKS],
            )
            few = int(cur.fetchone()[0]) < FEW_LINKS
        cross = "CROSS " if connection.vendor == "sqlite" else ""
        if few:
            source = (
                f"{RT} r {cross}JOIN {CT} x ON x.descendant_id = r.to_party_id"
                f" AND x.type_id = %s AND x.ancestor_id = %s"
            )
            where, params = (
                f"r.type_id IN ({marks}) AND {valid}",
                [group.type_id, group.root, *types, day, day],
            )
        else:
            source = f"{CT} x {cross}JOIN {RT} r ON r.to_party_id = x.descendant_id"
            where = f"x.type_id = %s AND x.ancestor_id = %s AND r.type_id IN ({marks}) AND {valid}"
            params = [group.type_id, group.root, *types, day, day]
        return _keys(
            f"SELECT x.depth, x.descendant_id, c.name, c.id FROM {source}"
            f" {cross}JOIN {PT} c ON c.id = r.from_party_id"
            f" WHERE {where} AND {PERSON_OK}{cond}"
            " ORDER BY x.depth, x.descendant_id, c.name, c.id LIMIT %s",
            [*params, False, *extra, limit],
        )
    single = group.only if group.only is not None else group.root
    cond, extra = _after_sql(after, "0", "r.to_party_id")
    return _keys(
        f"SELECT 0, r.to_party_id, c.name, c.id FROM {RT} r JOIN {PT} c ON c.id = r.from_party_id"
        f" WHERE r.to_party_id = %s AND r.type_id IN ({marks}) AND {valid} AND {PERSON_OK}{cond}"
        " ORDER BY c.name, c.id LIMIT %s",
        [single, *types, day, day, False, *extra, limit],
    )


def _contact_rows(keys: list[Key]) -> list[dict[str, Any]]:
    """The page's rows in ``CONTACT_COLUMNS`` with ``display_name``, in the keys' order."""
    ids = sorted({k[1] for k in keys} | {k[3] for k in keys})
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, number, name, first_name, last_name, title, position, phone, email"
            f" FROM {PT} WHERE id IN ({marks})",
            ids,
        )
        parties = {int(r[0]): r for r in cur.fetchall()}
    rows = []
    for _depth, mid, _name, pid in keys:
        m = parties[mid]
        row = dict(zip(CONTACT_COLUMNS, (*parties[pid], mid, m[1], m[2]), strict=True))
        full = " ".join(x for x in (row["title"], row["first_name"], row["last_name"]) if x)
        row["display_name"] = full or row["name"]
        rows.append(row)
    return rows


def _one_member(member_id: int) -> Members:
    """The member alone, as the group whose contacts are its own."""
    return Members(
        root=member_id,
        type_id=0,
        sql=f"SELECT id FROM {PT} WHERE id = %s",
        params=[member_id],
        only=member_id,
    )


def contact_counts(member_ids: list[int]) -> dict[int, int]:
    """Contacts per member, for the given members (a page of them, tree nodes)."""
    if not member_ids:
        return {}
    marks = ", ".join(["%s"] * len(member_ids))
    fake = Members(root=0, type_id=0, sql=f"SELECT id FROM {PT} WHERE id IN ({marks})", params=[])
    fake.params = list(member_ids)
    pairs, params = _pairs_sql(fake, contact_type_ids(), engine.today())
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT pr.mid, COUNT(*) FROM ({pairs}) pr JOIN {PT} c ON c.id = pr.pid"
            f" WHERE {PERSON_OK} GROUP BY pr.mid",
            [*params, False],
        )
        return {int(m): int(n) for m, n in cur.fetchall()}


# --- members ------------------------------------------------------------------------------


@dataclass
class MemberPage:
    rows: list[dict[str, Any]]
    next_cursor: str
    root: int
    count: ListCount | None = None


def member_page(
    party_id: int,
    type_key: str = "group",
    *,
    cursor: str = "",
    size: int = PAGE_SIZE,
    counted: bool = False,
    first: int = 1,
) -> MemberPage:
    """One page of the group's members by name (rows of id, number, name, city), the next
    cursor and the root; ``counted`` adds how many of how many members the page shows,
    from its row ``first``."""
    group = members(party_id, type_key)
    after = decode_cursor(cursor, (str, int))
    where, params = "", list(group.params)
    if after is not None:
        where = " AND (p.name > %s OR (p.name = %s AND p.id > %s))"
        params += [after[0], after[0], after[1]]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT p.id, p.number, p.name, p.city FROM {PT} p WHERE p.id IN ({group.sql}){where}"
            " ORDER BY p.name, p.id LIMIT %s",
            [*params, size + 1],
        )
        found = cur.fetchall()
    rows = [dict(zip(("id", "number", "name", "city"), r, strict=True)) for r in found[:size]]
    nxt = encode_cursor([rows[-1]["name"], rows[-1]["id"]]) if len(found) > size else ""
    count = None
    if counted:
        complete = after is None and not nxt
        count = list_count((group.sql, group.params), len(rows), complete=complete, first=first)
    return MemberPage(rows, nxt, group.root, count)
