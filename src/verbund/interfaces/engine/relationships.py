"""A relationship file (or sync batch) in three phases: read and check every row, resolve
the parties, compare with the import's links and write the changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from verbund.core import forking
from verbund.core.bulk import BulkLoad, chunks, release_free_memory, stream
from verbund.interfaces.engine.links import RT, LinkChange, apply_relationship_changes
from verbund.interfaces.engine.results import (
    SAMPLE,
    Abort,
    Context,
    Issue,
    Outcome,
    empty_value,
    no_data_rows,
    not_text_issues,
)
from verbund.interfaces.engine.values import as_date, not_a_date, parse_share, text
from verbund.interfaces.gleif import level1_records
from verbund.interfaces.parsers import grouped, parse_date
from verbund.interfaces.pipeline import Forked
from verbund.parties import rules as party_rules
from verbund.parties.bulk import PARTY_TABLE, PartyWriter, record_history
from verbund.parties.models import Party, PartyKind
from verbund.relationships import rules
from verbund.relationships.models import Relationship, RelationshipSource, RelationshipType
from verbund.relationships.rules import share_key

PT = PARTY_TABLE
# Rows between two progress reports.
CHUNK = 5000
# Above this many parties (or links) in play the whole source is read at once.
WHOLE_SOURCE = 20_000
KEY_LIMIT = Relationship._meta.get_field("external_ref").max_length or 128

# A checked row: row, key, external id, type key, from, to, valid from, valid to, share, note,
# issues (None when clean); the key is None when it is unusable, the type key when the row
# has no usable type.
Checked = tuple[
    int, str | None, str, str | None, str, str, dt.date | None, dt.date | None, str | None, str,
    list[Issue] | None,
]  # fmt: skip
# What the import holds per key: id, (type, from, to), (from, to, share, note), valid_from.
Held = tuple[int, tuple[int, int, int], tuple[str, str, str, str], dt.date | None]


class RelationshipRows:
    """The per-row work of a relationship file that needs no state of the run: map, check the
    type, parties, dates and share by the relationships rules. Pure, so that big files can run
    it in a second process (``interfaces.pipeline``) while this one reads what the database
    holds. Yields ``Checked`` tuples.
    """

    def __init__(
        self,
        columns: dict[str, str],
        ctx: Context,
        types: dict[str, RelationshipType],
        aliases: dict[str, str],
        prefix: str,
    ) -> None:
        self.col_items = list(columns.items())
        self.ctx = ctx
        self.types = types
        self.aliases = aliases
        self.prefix = prefix

    def __call__(self, rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[Checked]:
        col_items, types, aliases, prefix, ctx = (
            self.col_items, self.types, self.aliases, self.prefix, self.ctx,
        )  # fmt: skip
        # A type's name is in the active language: looked up once per type, not per row.
        names = {t.key: t.name for t in types.values()}
        key_limit = KEY_LIMIT - len(prefix)
        date_memo: dict[str, dt.date] = {}
        for row_no, raw in rows:
            v, odd = ctx.row_values(row_no, raw, col_items)
            type_text = v.get("type", "")
            rtype = types.get(aliases.get(type_text.upper(), type_text)) or types.get(
                type_text.lower()
            )
            frm, to = v.get("from", ""), v.get("to", "")
            ext = v.get("external_id", "") or f"{rtype.key if rtype else type_text}:{frm}:{to}"
            too_long = party_rules.length_error(ext, key_limit)
            if too_long:
                issue = Issue(row_no, "external_id", ext, too_long, ext)
                issues = [*not_text_issues(row_no, odd, ext), issue]
                yield row_no, None, ext, None, frm, to, None, None, None, "", issues
                continue
            issues = not_text_issues(row_no, odd, ext) if odd else []

            def bad(
                f: str,
                value: str,
                reason: str | None,
                ext: str = ext,
                row_no: int = row_no,
                issues: list[Issue] = issues,
                odd: dict[str, str] = odd,
            ) -> None:
                # A field sent an object or list has its error already.
                if reason and f not in odd:
                    issues.append(Issue(row_no, f, value, reason, ext))

            if not type_text:
                bad("type", type_text, empty_value())
            elif rtype is None:
                bad("type", type_text, rules.unknown_type(type_text))
            elif reason := rules.inactive_type_error(rtype.active, names[rtype.key]):
                bad("type", type_text, reason)
            if not frm:
                bad("from", frm, empty_value())
            if not to:
                bad("to", to, empty_value())
            if frm and (reason := rules.self_link_error(frm, to)):
                bad("to", to, reason)
            dates: dict[str, dt.date | None] = {}
            for f in ("valid_from", "valid_to"):
                day_text = v.get(f, "")
                dates[f] = None
                if day_text:
                    try:
                        # Files repeat their dates: each text is parsed once.
                        day = date_memo.get(day_text)
                        if day is None:
                            day = parse_date(day_text, ctx.dates)
                            if len(date_memo) < 100_000:
                                date_memo[day_text] = day
                        dates[f] = day
                    except ValueError:
                        bad(f, day_text, not_a_date(day_text))
            vf, vt = dates["valid_from"], dates["valid_to"]
            if reason := rules.dates_error(vf, vt):
                bad("valid_to", text(vt), reason)
            share_text = v.get("share", "")
            share: str | None = None
            if share_text:
                share, reason = parse_share(share_text, ctx.numbers, rtype)
                bad("share", share_text, reason)
            yield (
                row_no,
                prefix + ext,
                ext,
                rtype.key if rtype is not None else None,
                frm,
                to,
                vf,
                vt,
                share,
                v.get("note", ""),
                issues or None,
            )


def import_relationships(
    rows: Iterator[tuple[int, dict[str, str]]],
    columns: dict[str, str],
    ctx: Context,
    *,
    type_aliases: dict[str, str] | None = None,
    resolve_by: str = "erp",
    total_hint: Callable[[], float] | None = None,
    parallel: bool = False,
) -> Outcome:
    """Upsert links of ``ctx.source`` from relationship rows (``resolve_by``: erp or lei).

    ``parallel``: read and check the rows in a second process (big files) while this one
    loads the source's parties and links.
    """
    aliases = {k.upper(): v for k, v in (type_aliases or {}).items()}
    types = {t.key: t for t in RelationshipType.objects.all()}
    for t in list(types.values()):
        for label in (t.name_de, t.name_en):
            types.setdefault(label.lower(), t)
    prefix = f"{ctx.source}:"
    stage = RelationshipRows(columns, ctx, types, aliases, prefix)
    run = RelationshipImport(ctx, types, prefix, resolve_by)
    # A fork copies only the calling thread (see import_parties).
    if not (parallel and forking.alone()):
        return run.run(stage(rows), total_hint)
    release_free_memory()
    forked = Forked(lambda: stage(rows), total_hint)
    try:
        # What the database holds, read while the child reads the file: all of the source.
        run.known = source_parties(ctx.source, resolve_by)
        run.held = existing_links(prefix, None)
        return run.run(forked, forked.progress)
    finally:
        forked.close()  # a no-op once the rows were read to the end


class RelationshipImport:
    """One relationship run: ``rows`` (1. read and check), ``resolve`` (2. the parties),
    ``compare`` (3. with the import's links) and the writes. ``known`` and ``held`` may be
    read ahead (while a forked child reads the file)."""

    def __init__(
        self, ctx: Context, types: dict[str, RelationshipType], prefix: str, resolve_by: str
    ) -> None:
        self.ctx = ctx
        self.types = types
        self.prefix = prefix
        self.resolve_by = resolve_by
        self.rsource = RelationshipSource.GLEIF if resolve_by == "lei" else RelationshipSource.ERP
        self.out = Outcome(outcomes={} if ctx.track_outcomes else None)
        self.known: dict[str, tuple[int, int | None]] | None = None
        self.held: dict[str, Held] | None = None
        self.seen: dict[str, int] = {}

    def run(self, checked: Iterable[Checked], total_hint: Callable[[], float] | None) -> Outcome:
        out, ctx = self.out, self.ctx
        parsed = self.rows(checked, total_hint)
        ctx.report_progress(0.45, _("Resolving parties"))
        party_ids, persons = self.resolve(parsed)
        changes = self.compare(parsed, party_ids, persons)
        if out.counts["errors"] and ctx.atomic:
            raise Abort(out)
        ctx.report_progress(0.6, _("Checking hierarchies"))
        self.full_sync(changes)
        apply_relationship_changes(changes, ctx, out)
        out.counts["ended"] = out.counts["links_ended"]
        if out.counts["errors"] and ctx.atomic:
            raise Abort(out)
        return out

    # -- 1. Every row read and checked; parties are resolved after the whole file is read.

    def rows(
        self, checked: Iterable[Checked], total_hint: Callable[[], float] | None
    ) -> list[tuple[int, str, RelationshipType, str, str, Any, Any, str | None, str]]:
        out, ctx, seen, types = self.out, self.ctx, self.seen, self.types
        parsed = []
        failed = False
        n = 0
        for row_no, key, ext, type_key, frm, to, vf, vt, share, note, issues in checked:
            n += 1
            if key is None:  # the key itself is unusable
                for issue in issues or ():
                    out.error(issue)
                failed = True
                continue
            first = seen.get(key)
            if first is not None:
                issues = [
                    *(issues or ()),
                    Issue(
                        row_no,
                        "external_id",
                        ext,
                        _("The relationship %(key)s appears twice: rows %(first)s and %(row)s.")
                        % {"key": ext, "first": first, "row": row_no},
                        ext,
                    ),
                ]
            seen[key] = row_no
            if issues or type_key is None:
                for issue in issues or ():
                    out.error(issue)
                failed = True
                continue
            parsed.append((row_no, ext, types[type_key], frm, to, vf, vt, share, note))
            if total_hint and n % CHUNK == 0:
                ctx.report_progress(
                    0.02 + 0.4 * total_hint(), _("%(n)s rows read") % {"n": grouped(n)}, often=True
                )
        out.counts["rows"] = n
        if n == 0:
            out.error(no_data_rows())
            raise Abort(out)
        if failed and ctx.atomic:
            raise Abort(out)
        return parsed

    # -- 2. Parties by external id of the source (or by LEI).

    def resolve(self, parsed: list[Any]) -> tuple[dict[str, int], set[int]]:
        refs = {p[3] for p in parsed} | {p[4] for p in parsed}
        ctx = self.ctx
        party_ids = party_lookup(
            refs, ctx.source, self.resolve_by, whole=len(refs) > WHOLE_SOURCE, known=self.known
        )
        if self.resolve_by == "lei" and ctx.create_missing:
            missing = sorted(r for r in refs if r not in party_ids)
            if missing:
                create_lei_parties(missing, party_ids, ctx, self.out)
        persons = (
            person_ids(party_ids.values())
            if any(t.from_kind != "any" or t.to_kind != "any" for t in {p[2] for p in parsed})
            else set()
        )
        return party_ids, persons

    # -- 3. Compare with the import's existing links.

    def compare(
        self, parsed: list[Any], party_ids: dict[str, int], persons: set[int]
    ) -> list[LinkChange]:
        out, ctx, prefix, rsource = self.out, self.ctx, self.prefix, self.rsource
        if self.held is None:
            only = None
            if len(parsed) <= WHOLE_SOURCE and not ctx.full:
                only = {prefix + p[1] for p in parsed}
            self.held = existing_links(prefix, only)
        held = self.held
        what = _("LEI") if self.resolve_by == "lei" else _("external id")
        names = {t.pk: t.name for t in self.types.values()}
        changes: list[LinkChange] = []
        for row_no, ext, rtype, frm, to, vf, vt, share, note in parsed:
            a, b = party_ids.get(frm), party_ids.get(to)
            for f, ref, pid in (("from", frm, a), ("to", to, b)):
                if pid is None:
                    out.error(
                        Issue(
                            row_no,
                            f,
                            ref,
                            _("No party with %(what)s %(key)s (source %(source)s).")
                            % {"what": what, "key": ref, "source": ctx.source},
                            ext,
                        )
                    )
            if a is None or b is None:
                continue
            kind_ok = True
            for f, ref, pid, rule in (("from", frm, a, rtype.from_kind), ("to", to, b, rtype.to_kind)):  # fmt: skip
                kind = PartyKind.PERSON if pid in persons else PartyKind.ORGANISATION
                reason = rules.side_kind_error(rule, kind, names[rtype.pk])
                if reason:
                    out.error(Issue(row_no, f, ref, reason, ext))
                    kind_ok = False
            if not kind_ok:
                continue
            key = prefix + ext
            cur = held.pop(key, None)
            ident = (rtype.pk, a, b)
            # In the order of LINK_VALUES, which the run's report names them by.
            values = (text(vf), text(vt), share or "", note)
            if cur is None:
                changes.append(
                    LinkChange(
                        row_no, ext, rtype, a, b, None, share, rsource, key, False, vf, vt, note
                    )
                )
                out.counts["created"] += 1
                out.outcome(ext, "created")
                continue
            rel_id, cur_ident, cur_values, cur_from = cur
            if cur_ident == ident and cur_values == values:
                out.counts["unchanged"] += 1
                out.outcome(ext, "unchanged")
                continue
            out.counts["updated"] += 1
            out.outcome(ext, "updated")
            new = LinkChange(
                row_no, ext, rtype, a, b, None, share, rsource, key, False, vf, vt, note
            )
            if cur_ident == ident:
                new.current, new.in_place = (rel_id, b, cur_from, ""), True
                changes.append(new)
                if len(out.diffs) < SAMPLE:
                    out.diffs.append(
                        {
                            "row": row_no,
                            "key": ext,
                            "before": list(cur_values),
                            "after": list(values),
                        }
                    )
                continue
            # Type or parties changed: end the old link, create the new one.
            changes.append(
                LinkChange(
                    row_no, ext, rtype, a, None, (rel_id, cur_ident[2], cur_from, ""), None,
                    rsource, key, False,
                )
            )  # fmt: skip
            changes.append(new)
        return changes

    def full_sync(self, changes: list[LinkChange]) -> None:
        """Full sync: end the import's open links the file no longer lists."""
        if not self.ctx.full or self.held is None:
            return
        types_by_id = {t.pk: t for t in RelationshipType.objects.all()}
        today_text = self.ctx.today.isoformat()
        for key, (rel_id, ident, cur_values, cur_from) in self.held.items():
            if key in self.seen or (cur_values[1] and cur_values[1] < today_text):
                continue
            changes.append(
                LinkChange(
                    0, key[len(self.prefix) :], types_by_id[ident[0]], ident[1], None,
                    (rel_id, ident[2], cur_from, ""), None, self.rsource, key, False,
                )
            )  # fmt: skip


# --- what the database holds ----------------------------------------------------------------


def _lookup_sql(source: str, resolve_by: str) -> tuple[str, list[Any], str]:
    col = "lei" if resolve_by == "lei" else "erp_id"
    base = f"SELECT {col}, id, merged_into_id FROM {PT} WHERE "
    if resolve_by == "lei":
        return base + "lei <> '' AND ", [], col
    return base + "erp_source = %s AND ", [source], col


def source_parties(source: str, resolve_by: str) -> dict[str, tuple[int, int | None]]:
    """Every party of the source (or with an LEI): key -> (id, merged into); of parties that
    share an LEI the first one read."""
    base, params, _col = _lookup_sql(source, resolve_by)
    sql = base[: -len(" AND ")] if resolve_by != "lei" else base + "1 = 1"
    found: dict[str, tuple[int, int | None]] = {}
    for key, pid, into in stream(sql, params):
        found.setdefault(key, (pid, into))
    return found


def party_lookup(
    refs: set[str],
    source: str,
    resolve_by: str,
    whole: bool,
    known: dict[str, tuple[int, int | None]] | None = None,
) -> dict[str, int]:
    """External id (or LEI) -> party id; merged parties resolve to their survivor. ``known``:
    the source's parties read before (``source_parties``)."""
    result: dict[str, int] = {}
    merged: dict[str, int] = {}
    if known is None and whole:
        known = source_parties(source, resolve_by)
    if known is not None:
        for key in refs:
            hit = known.get(key)
            if hit is not None:
                result[key] = hit[0]
                if hit[1]:
                    merged[key] = hit[1]
    else:
        base, params, col = _lookup_sql(source, resolve_by)
        for chunk in chunks(sorted(refs), 900):
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cur:
                cur.execute(base + f"{col} IN ({marks}) ORDER BY id", [*params, *chunk])
                for key, pid, into in cur.fetchall():
                    if into:
                        merged[key] = into
                    result.setdefault(key, pid)
    for key, into in merged.items():
        hops = 0
        target = into
        while hops < 100:
            nxt = Party.objects.filter(pk=target).values_list("merged_into_id", flat=True).first()
            if not nxt:
                break
            target = nxt
            hops += 1
        result[key] = target
    return result


def person_ids(ids: Iterable[int]) -> set[int]:
    wanted = ids if isinstance(ids, set) else set(ids)
    if len(wanted) > WHOLE_SOURCE:
        # Persons are few beside organisations: all of them in one indexed scan (kind, id).
        sql = f"SELECT id FROM {PT} WHERE kind = %s"
        return {pid for (pid,) in stream(sql, [PartyKind.PERSON]) if pid in wanted}
    result: set[int] = set()
    for chunk in chunks(list(wanted), 900):
        result.update(
            Party.objects.filter(pk__in=chunk, kind=PartyKind.PERSON).values_list("pk", flat=True)
        )
    return result


def existing_links(prefix: str, only: set[str] | None) -> dict[str, Held]:
    """The import's open (not yet ended) links by key: id, (type, from, to), (from, to, share,
    note), valid_from."""
    sql = f"SELECT external_ref, id, type_id, from_party_id, to_party_id, valid_from, valid_to, share, note FROM {RT} WHERE "
    result: dict[str, Held] = {}

    def take(rec: tuple[Any, ...]) -> None:
        vf = as_date(rec[5])
        result[rec[0]] = (
            rec[1],
            (rec[2], rec[3], rec[4]),
            (text(vf), text(as_date(rec[6])), share_key(rec[7]), rec[8] or ""),
            vf,
        )

    if only is None:
        # Ended links stay ended: a key that comes back gets a new link.
        for rec in stream(
            sql + "external_ref >= %s AND external_ref < %s ORDER BY id",
            [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)],
        ):
            take(rec)
    else:
        for chunk in chunks(sorted(only), 900):
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cur:
                cur.execute(sql + f"external_ref IN ({marks}) ORDER BY id", chunk)
                for rec in cur.fetchall():
                    take(rec)
    return result


def create_lei_parties(
    leis: list[str], party_ids: dict[str, int], ctx: Context, out: Outcome
) -> None:
    """GLEIF: a party for each LEI no party has yet (``--create-missing``), with its history.

    Named by the LEI alone, unless the run has a GLEIF Level-1 file (``ctx.level1``): then
    name, legal address and register number come from its record of the LEI."""
    level1 = level1_records(ctx.level1, set(leis)) if ctx.level1 else {}
    writer = PartyWriter(BulkLoad())
    # Numbers are reserved before the write: no query may run while COPY streams.
    first = writer.reserve_numbers(len(leis))
    blank = dict.fromkeys(("street", "postcode", "city", "register_number"), "")
    rows = [
        {
            "kind": "organisation",
            "name": lei,
            "lei": lei,
            "erp_source": "gleif",
            "erp_id": lei,
            "country": "",
            "number": str(first + i),
            **blank,
            **level1.get(lei, {}),
        }
        for i, lei in enumerate(leis)
    ]
    ids = writer.insert(rows)
    out.party_ids.append(ids)
    for lei, pid in zip(leis, ids, strict=True):
        party_ids[lei] = pid
        out.note_summary({"party": pid, "key": lei, "action": "created"})
    out.counts["parties_created"] = out.counts.get("parties_created", 0) + len(leis)
    if ctx.level1:
        named = sum(1 for lei in leis if level1.get(lei, {}).get("name"))
        out.counts["parties_named"] = out.counts.get("parties_named", 0) + named
        if named < len(leis):
            key = "parties_lei_only"
            out.counts[key] = out.counts.get(key, 0) + len(leis) - named
    record_history(
        writer.load, "party.create", actor=ctx.actor, by=ctx.history_by(),
        note=ctx.history_note(), party_ids=ids,
    )  # fmt: skip
