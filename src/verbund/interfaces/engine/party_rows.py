"""Party rows: checked by the parties rules, written by the parties bulk writer.

``PartyRows`` is the per-row stage (map, check, normalise, derive) and needs no state of the
run, so big files run it in a forked child (``interfaces.pipeline``). ``PartyInsert``,
``update_parties`` and ``archive`` write what the run decided, each with the parties'
history records (``parties.bulk.record_history``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from verbund.core.bulk import BulkLoad, chunks, update_by_id
from verbund.interfaces.engine.results import (
    SAMPLE,
    Context,
    Issue,
    Outcome,
    empty_external_id,
    not_text_issues,
)
from verbund.interfaces.engine.values import (
    KIND_VALUES,
    STATUS_VALUES,
    not_a_date,
    parse_share,
    text,
)
from verbund.interfaces.parsers import parse_date
from verbund.parties import rules
from verbund.parties.bulk import PARTY_COLUMNS, PARTY_TABLE, PartyWriter, record_history
from verbund.parties.derive import (
    derive_search_columns,
    person_name,
    search_pieces,
    search_text_with,
)
from verbund.parties.models import Party, PartyKind

KEY_LIMIT = rules.CHAR_LIMITS["erp_id"]
# A row's name issue when its kind is blank: the name rule asks the kind the party has (a new
# one's default), which only the writing side knows (``PartyImport.rows``).
KIND_OF_PARTY = "kind of party"
Check = Callable[[str], tuple[str | None, str | None]]


# A blank kind, status or country reads as None: the party keeps what it has (a new one gets
# ``values.CREATE_DEFAULTS``). Read as the default, a blank cell made a person an organisation.


def _kind(v: str) -> tuple[str | None, str | None]:
    if not v:
        return None, None
    k = KIND_VALUES.get(v.lower())
    return (k, None) if k is not None else (v, rules.kind_error(v))


def _status(v: str) -> tuple[str | None, str | None]:
    if not v:
        return None, None
    s = STATUS_VALUES.get(v.lower())
    return (s, None) if s is not None else (v, rules.status_error(v))


def _country(v: str) -> tuple[str | None, str | None]:
    v = rules.normal_country(v)
    return (v, rules.country_error(v)) if v else (None, None)


def _vat_id(v: str) -> tuple[str, str | None]:
    v = rules.normal_vat_id(v)
    return v, rules.vat_id_error(v)


def _lei(v: str) -> tuple[str, str | None]:
    v = rules.normal_lei(v)
    return v, rules.lei_error(v)


def _email(v: str) -> tuple[str, str | None]:
    return v, rules.email_error(v)


class PartyRowChecker:
    """Turns one mapped row into normalised field values, naming every bad field."""

    # Fields whose few distinct values (kinds, countries ...) are checked once per value.
    MEMO_FIELDS = frozenset(("kind", "status", "country"))

    def __init__(self, fields: list[str], ctx: Context) -> None:
        self.fields = fields
        self.ctx = ctx
        checks: dict[str, Check] = {
            "kind": _kind,
            "status": _status,
            "country": _country,
            "vat_id": _vat_id,
            "lei": _lei,
            "email": _email,
            "birth_date": self._birth_date,
        }
        self.plan = [(f, checks.get(f), rules.CHAR_LIMITS.get(f)) for f in fields]
        self._memo: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        # A German postcode depends on the row's country (rules.normal_postcode): here only
        # where the row names one. A blank country cell keeps the party's, known when the row
        # is compared (PartyImport.rows); a file without a country column pads where it writes
        # (PartyInsert, update_parties).
        self._postcode_country = (
            (fields.index("postcode"), fields.index("country"))
            if "postcode" in fields and "country" in fields
            else None
        )

    def _birth_date(self, v: str) -> tuple[str, str | None]:
        if not v:
            return v, None
        try:
            return parse_date(v, self.ctx.dates).isoformat(), None
        except ValueError:
            return v, not_a_date(v)

    def clean(
        self, values: dict[str, str], row: int, key: str, report: Callable[[Issue], None]
    ) -> tuple[list[str], bool]:
        """The row's values in ``fields`` order; None where the party keeps what it has (an
        absent key, a blank kind, status or country)."""
        ok = True
        result: list[str] = []
        memo = self._memo
        for f, check, limit in self.plan:
            v = values.get(f)
            if v is None:
                # Absent (an API record without this key): keep what the party has.
                result.append(None)  # type: ignore[arg-type]
                continue
            if check is not None:
                if f in self.MEMO_FIELDS:
                    got = memo.get((f, v))
                    if got is None:
                        got = check(v)
                        if len(memo) < 10_000:
                            memo[(f, v)] = got
                else:
                    got = check(v)
                checked, reason = got
                if checked is None:
                    result.append(None)  # type: ignore[arg-type]
                    continue
                v = checked
                if reason is not None:
                    ok = False
                    report(Issue(row, f, v, reason, key))
            # Only a value longer than the limit can break the length rule: the rule is asked
            # for its message then, not on every field of every row.
            if limit and len(v) > limit:
                ok = False
                report(Issue(row, f, v, rules.length_error(v, limit) or "", key))
            result.append(v)
        if self._postcode_country is not None:
            at, country = self._postcode_country
            if result[at] and result[country]:
                result[at] = rules.normal_postcode(result[country], result[at])
        return result, ok


class PartyRows:
    """The per-row work that needs no state of the run: map, check, normalise, derive.

    Pure, so that big files can run it in a second process (``interfaces.pipeline``) while
    this one compares and writes. Yields per row ``(row, key, cleaned, issues or None,
    name_issue, has_name_columns, share, parent, main_address, derived)``; ``cleaned`` is None
    when the key itself is unusable, ``name_issue`` ``KIND_OF_PARTY`` when the kind is blank,
    ``derived`` the search columns without the number (``parties.derive.search_pieces``) when
    the row is complete and valid and ``derive`` is on.
    """

    def __init__(
        self, columns: dict[str, str], fields: list[str], ctx: Context, derive: bool = True
    ) -> None:
        self.col_items = list(columns.items())
        # Only worth it when most rows are new: for an unchanged row it is a third of its cost
        # (the writer derives what it creates when the stage did not).
        self.eager_derive = derive
        self.mapped = set(columns.values())
        self.fields = fields
        self.has_share = "parent_share" in self.mapped
        self.numbers = ctx.numbers
        self.checker = PartyRowChecker(fields, ctx)
        self.ctx = ctx
        pos = {f: i for i, f in enumerate(fields)}
        self._pos = [
            pos.get(f)
            for f in ("kind", "name", "first_name", "last_name", "name2", "city", "postcode")
        ] + [pos.get("vat_id")]

    def derive(self, cleaned: list[str]) -> tuple[str, str, str]:
        p_kind, p_name, p_first, p_last, p_name2, p_city, p_pc, p_vat = self._pos

        def at(p: int | None, default: str = "") -> str:
            return cleaned[p] if p is not None else default

        name = at(p_name)
        if at(p_kind, PartyKind.ORGANISATION) == PartyKind.PERSON and not name:
            name = person_name(at(p_first), at(p_last))
        return search_pieces(name, at(p_name2), at(p_city), at(p_pc), at(p_vat))

    def __call__(self, rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[tuple[Any, ...]]:
        col_items, checker, mapped = self.col_items, self.checker, self.mapped
        row_values = self.ctx.row_values
        for row_no, raw in rows:
            values, odd = row_values(row_no, raw, col_items)
            key = values.get("external_id", "")
            if not key or len(key) > KEY_LIMIT:
                issue = (
                    Issue(row_no, "external_id", "", empty_external_id())
                    if not key
                    else Issue(row_no, "external_id", key,
                               rules.length_error(key, KEY_LIMIT) or "", key)
                )  # fmt: skip
                issues = not_text_issues(row_no, odd, key)
                if "external_id" not in odd:
                    issues.append(issue)
                yield row_no, key, None, issues, None, False, None, None, None, None
                continue
            issues = not_text_issues(row_no, odd, key) if odd else []
            cleaned, ok = checker.clean(values, row_no, key, issues.append)
            name_issue: Issue | str | None = None
            if ok:
                kind = values.get("kind", "") if "kind" in mapped else PartyKind.ORGANISATION
                if kind:
                    named = rules.name_error(
                        KIND_VALUES.get(kind.lower(), PartyKind.ORGANISATION),
                        values.get("name", ""),
                        values.get("last_name", ""),
                    )
                    if named is not None and named[0] not in odd:
                        name_issue = Issue(row_no, named[0], "", named[1], key)
                else:
                    name_issue = KIND_OF_PARTY
            share = values.get("parent_share", "") if self.has_share else None
            if share:
                share, reason = parse_share(share, self.numbers)
                if reason is not None:
                    issues.append(Issue(row_no, "parent_share", share, reason, key))
            derived = None
            if self.eager_derive and not issues and name_issue is None and None not in cleaned:
                derived = self.derive(cleaned)
            yield (
                row_no,
                key,
                cleaned,
                issues or None,  # one object less to pickle per good row
                name_issue,
                "name" in values or "last_name" in values,
                share,
                values.get("parent"),
                values.get("main_address"),
                derived,
            )


class PartyInsert:
    """How a run writes the parties it creates: the mapped fields, the key, the number and the
    search columns per row; every other column is the same for all rows (its default, the
    source, the run's timestamps) and goes to the bulk writer once, as a constant."""

    def __init__(self, writer: PartyWriter, fields: list[str], source: str) -> None:
        self.writer = writer
        extra = ["erp_id", "number", "search_text", "phonetic"]
        self.extra_name = "name" not in fields  # a person's name comes from first and last
        if self.extra_name:
            extra.append("name")
        # The data-protection mark of sole traders follows the legal form (parties.rules).
        self.extra_sole = "legal_form" in fields
        if self.extra_sole:
            extra.append("sole_trader")
        self.columns = (*fields, *extra)
        defaults = {
            f.column: (f.get_default() if f.has_default() else (None if f.null else ""))
            for f in Party._meta.concrete_fields
        }
        now_db = writer.load.now_db
        self.constants = {c: defaults.get(c) for c in PARTY_COLUMNS if c not in self.columns}
        self.constants.update(created_at=now_db, updated_at=now_db, erp_source=source)
        pos = {f: i for i, f in enumerate(fields)}
        self._pos = [
            pos.get(f)
            for f in (
                "kind", "name", "first_name", "last_name", "name2", "city", "postcode", "vat_id",
                "birth_date",
            )
        ]  # fmt: skip
        self._legal = pos.get("legal_form")
        self.default_kind = defaults["kind"]
        # Without a country column a new party gets the default country; its postcode follows.
        self.default_country = (
            str(defaults["country"]) if "postcode" in pos and "country" not in pos else None
        )

    def prepare(
        self, buf: list[tuple[str, list[str], int, tuple[str, str, str] | None]]
    ) -> list[list[Any]]:
        """Rows of ``columns`` for the bulk writer (numbers reserved, search columns filled)."""
        p_kind, p_name, p_first, p_last, p_name2, p_city, p_pc, p_vat, p_birth = self._pos
        extra_name, default_kind = self.extra_name, self.default_kind
        prepared: list[list[Any]] = []
        first_number = self.writer.take_numbers(len(buf))
        for k, (key, cleaned, _row, derived) in enumerate(buf):
            row: list[Any] = list(cleaned)
            number = str(first_number + k)
            if self.default_country is not None and p_pc is not None and row[p_pc]:
                padded = rules.normal_postcode(self.default_country, row[p_pc])
                if padded != row[p_pc]:
                    row[p_pc], derived = padded, None
            name = row[p_name] if p_name is not None else ""
            if not name and (row[p_kind] if p_kind is not None else default_kind) == "person":
                name = person_name(
                    row[p_first] if p_first is not None else "",
                    row[p_last] if p_last is not None else "",
                )
                if p_name is not None:
                    row[p_name] = name
            if derived is not None:
                st, ph = search_text_with(derived[0], number, derived[1]), derived[2]
            else:
                st, ph = derive_search_columns(
                    name,
                    row[p_name2] if p_name2 is not None else "",
                    number,
                    row[p_city] if p_city is not None else "",
                    row[p_pc] if p_pc is not None else "",
                    row[p_vat] if p_vat is not None else "",
                )
            if p_birth is not None and not row[p_birth]:
                row[p_birth] = None
            row += (key, number, st, ph, name) if extra_name else (key, number, st, ph)
            if self._legal is not None:
                row.append(
                    rules.is_sole_trader(
                        str(row[p_kind] if p_kind is not None else default_kind),
                        row[self._legal],
                    )
                )
            prepared.append(row)
        return prepared


# Columns the search columns are derived from: read with the party, whatever the file maps.
_DERIVE_FROM = ["kind", "name", "name2", "number", "city", "postcode", "vat_id", "first_name", "last_name"]  # fmt: skip


def update_parties(
    load: BulkLoad,
    buf: list[tuple[int, list[str], str, int, bool]],
    fields: list[str],
    ctx: Context,
    out: Outcome,
) -> None:
    """Write changed parties (``(id, cleaned, key, row, whether the row names the postcode)``):
    their fields, search columns and the changed fields' before and after in each party's
    history."""
    # The sole-trader mark follows kind and legal form (parties.rules.is_sole_trader).
    sole = "legal_form" in fields or "kind" in fields
    # Without a country column a postcode the row names follows the country the party has.
    pad = "postcode" in fields and "country" not in fields
    want = list(
        dict.fromkeys(
            [
                *_DERIVE_FROM,
                *fields,
                *(["legal_form"] if sole else []),
                *(["country"] if pad else []),
            ]
        )
    )
    current: dict[int, dict[str, Any]] = {}
    for rec in Party.objects.filter(pk__in=[b[0] for b in buf]).values("pk", *want):
        current[rec["pk"]] = rec
    set_cols = [
        *fields,
        "search_text",
        "phonetic",
        *(["sole_trader"] if sole else []),
        "updated_at",
    ]
    params = []
    history: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    for pid, cleaned, key, row_no, names_postcode in buf:
        cur = current.get(pid)
        if cur is None:
            continue
        new = dict(cur)
        new.update(zip(fields, cleaned, strict=True))
        if pad and names_postcode and new["postcode"]:
            new["postcode"] = rules.normal_postcode(cur["country"] or "", new["postcode"])
        # A person's blank name is the one made of first and last name, as a new one gets.
        if new["kind"] == PartyKind.PERSON and not new["name"]:
            new["name"] = person_name(new["first_name"], new["last_name"])
        changed = {}
        for f in fields:
            old, v = text(cur.get(f)), new[f]
            if old != v:
                changed[f] = [old, v]
        if not changed:
            # Different only before that rule (a blank name the person has already).
            out.counts["unchanged"] += 1
            out.outcome(key, "unchanged")
            continue
        st, ph = derive_search_columns(
            new["name"], new["name2"], new["number"], new["city"], new["postcode"], new["vat_id"]
        )
        vals = [None if (f == "birth_date" and not new[f]) else new[f] for f in fields]
        marks = (rules.is_sole_trader(new["kind"], new["legal_form"] or ""),) if sole else ()
        params.append((*vals, st, ph, *marks, load.now_db, pid))
        out.counts["updated"] += 1
        out.updated_ids.append(pid)
        out.outcome(key, "updated")
        if len(out.diffs) < SAMPLE:
            out.diffs.append({"row": row_no, "key": key, "party": pid, "changes": changed})
        out.note_summary({"party": pid, "key": key, "action": "updated", "fields": sorted(changed)})
        history.append(
            (pid, {f: c[0] for f, c in changed.items()}, {f: c[1] for f, c in changed.items()})
        )
    update_by_id(PARTY_TABLE, set_cols, params)
    record_history(
        load, "party.update", actor=ctx.actor, by=ctx.history_by(), note=ctx.history_note(),
        changes=history,
    )  # fmt: skip


def archive(load: BulkLoad, gone: list[tuple[str, int]], ctx: Context, out: Outcome) -> None:
    """Archive the parties a full sync no longer received (those not archived or merged yet)."""
    active: set[int] = set()
    for chunk in chunks([pid for _k, pid in gone], 900):
        active.update(
            Party.objects.filter(
                pk__in=chunk, archived=False, merged_into__isnull=True
            ).values_list("pk", flat=True)
        )
    to_archive = [(k, pid) for k, pid in gone if pid in active]
    update_by_id(
        PARTY_TABLE,
        ["archived", "updated_at"],
        [(True, load.now_db, pid) for _k, pid in to_archive],
    )
    for k, pid in to_archive:
        out.archived.append(k)
        out.outcome(k, "archived")
        out.note_summary({"party": pid, "key": k, "action": "archived"})
    out.counts["archived"] += len(to_archive)
    record_history(
        load, "party.archive", actor=ctx.actor, by=ctx.history_by(), note=ctx.history_note(),
        changes=((pid, {"archived": False}, {"archived": True}) for _k, pid in to_archive),
    )  # fmt: skip


def redirect_merged(
    merged: dict[int, int], ids: Any, hashes: Any, fields: list[str], date_pos: list[int]
) -> dict[int, tuple[Any, ...]]:
    """Keys of merged parties point to the survivor (following chains of merges); returns the
    survivor's values by key index."""
    survivor: dict[int, int] = {}
    pending = set(merged.values())
    parent_of: dict[int, int | None] = {}
    while pending:
        found = dict(Party.objects.filter(pk__in=pending).values_list("pk", "merged_into_id"))
        parent_of.update(found)
        pending = {v for v in found.values() if v and v not in parent_of}
    for idx, target in merged.items():
        hops = 0
        while parent_of.get(target) and hops < 100:
            target = parent_of[target]  # type: ignore[assignment]
            hops += 1
        survivor[idx] = target
    rows = Party.objects.filter(pk__in=set(survivor.values())).values_list("pk", *fields)
    by_id = {}
    for rec in rows:
        by_id[rec[0]] = tuple(
            text(v) if i in date_pos else (v or "") for i, v in enumerate(rec[1:])
        )
    values: dict[int, tuple[Any, ...]] = {}
    for idx, target in survivor.items():
        ids[idx] = target
        vals = by_id.get(target)
        hashes[idx] = hash(vals) if vals is not None else 0
        if vals is not None:
            values[idx] = vals
    return values
