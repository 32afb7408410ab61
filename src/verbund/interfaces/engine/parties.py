"""A party file (or sync batch) in four phases: what the source holds, the rows, the links
from their parent and main-address fields, and the full sync."""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.utils.translation import gettext as _

from verbund.core import forking
from verbund.core.bulk import BulkLoad, Rows, release_free_memory, select_in, stream
from verbund.interfaces.engine.links import LinkChange, apply_link_changes, managed_links
from verbund.interfaces.engine.party_rows import (
    KIND_OF_PARTY,
    PartyInsert,
    PartyRows,
    archive,
    redirect_merged,
    update_parties,
)
from verbund.interfaces.engine.results import (
    SAMPLE,
    Abort,
    Context,
    Issue,
    Outcome,
    no_data_rows,
)
from verbund.interfaces.engine.values import CREATE_DEFAULTS, PARTY_FIELDS, text
from verbund.interfaces.parsers import grouped
from verbund.interfaces.pipeline import Forked
from verbund.parties import rules as party_rules
from verbund.parties.bulk import PARTY_TABLE, PartyWriter, history
from verbund.parties.derive import person_name
from verbund.parties.models import Party, PartyKind
from verbund.relationships import rules as relationship_rules
from verbund.relationships.models import RelationshipSource, RelationshipType

# Rows compared and written at a time.
CHUNK = 5000
# The links party rows carry: field, type key, link source, suffix of their external_ref.
LINK_FIELDS = (
    ("parent", "group", RelationshipSource.ERP, "parent"),
    ("main_address", "settlement", RelationshipSource.SETTLEMENT, "main"),
)


def import_parties(
    rows: Iterator[tuple[int, dict[str, str]]],
    columns: dict[str, str],
    ctx: Context,
    total_hint: Callable[[], float] | None = None,
    initial_errors: list[Issue] | None = None,
    keys_hint: set[str] | None = None,
    rebuild_indexes: bool = False,
    parallel: bool = False,
) -> Outcome:
    """Upsert parties of ``ctx.source`` from mapped rows; caller holds the transaction.

    ``keys_hint``: the external ids a small batch names (only those are read); ``parallel``:
    read, check and normalise the rows in a second process (big files). Raises
    :class:`Abort` when the run must roll back (all-or-nothing with errors).
    """
    fields = [f for f in PARTY_FIELDS if f in set(columns.values())]
    run = PartyImport(columns, fields, ctx, initial_errors, keys_hint, rebuild_indexes)
    # A fork copies only the calling thread: with other threads running (the job thread of a
    # web server, its request threads) a lock one of them held would stay locked in the child.
    if not (parallel and forking.alone()):
        run.existing()
        return run.run(PartyRows(columns, fields, ctx, derive=not run.ids)(rows), total_hint)
    # Big files: the rows are read and checked in a forked child from the start, so that its
    # work overlaps this process's reading of what the source already holds as well as the
    # comparing and writing. The search columns are derived there only for a source that holds
    # nothing yet (a first load): for an unchanged row they would be a third of its cost, and
    # the writer derives what it creates when the stage did not.
    first_load = not Party.objects.filter(erp_source=ctx.source).exists()
    stage = PartyRows(columns, fields, ctx, derive=first_load)
    # Forked before the bulk writer's thread exists; the child gets the stream as it is.
    release_free_memory()
    forked = Forked(lambda: stage(rows), total_hint)
    try:
        run.existing()
        return run.run(forked, forked.progress)
    finally:
        forked.close()  # a no-op once the rows were read to the end


@dataclass(slots=True)
class _PendingRef:
    row: int
    key: str
    party_id: int
    created: bool
    parent: str | None
    share: str | None
    main: str | None


class PartyImport:
    """One party run. ``existing`` reads what the source holds (phase 1); ``run`` streams the
    rows (phase 2), writes the links their reference fields ask for (phase 3) and, on a full
    sync, archives what the source no longer sends (phase 4)."""

    def __init__(
        self,
        columns: dict[str, str],
        fields: list[str],
        ctx: Context,
        initial_errors: list[Issue] | None,
        keys_hint: set[str] | None,
        rebuild_indexes: bool,
    ) -> None:
        self.ctx = ctx
        self.fields = fields
        self.mapped = set(columns.values())
        self.initial_errors = initial_errors or []
        self.keys_hint = keys_hint
        self.rebuild_indexes = rebuild_indexes
        self.out = Outcome(outcomes={} if ctx.track_outcomes else None)
        self.bulk = BulkLoad()
        self.writer = PartyWriter(self.bulk)
        # What the source holds: external id -> index into ids / hashes.
        self.keys: dict[str, int] = {}
        self.ids = array("q")
        self.hashes = array("q")
        self.merged: dict[int, int] = {}
        # Small batches keep the stored values, so absent keys can keep them.
        self.ex_values: list[tuple[Any, ...]] | None = [] if keys_hint is not None else None
        # Files keep only the stored values a blank cell keeps (kind, status, country), as a
        # code per key into the few distinct combinations: two bytes a party.
        self.keep_pos = [i for i, f in enumerate(fields) if f in CREATE_DEFAULTS]
        self.kept_codes = array("H")
        self.kept: dict[Any, int] = {}
        self.kept_list: list[Any] = []
        # One value (a scalar) or several (a tuple): a dictionary key either way.
        self._pick = itemgetter(*self.keep_pos) if self.keep_pos else None
        # Per link field: (field, type, link source, external_ref, the import's links by child).
        self.link_specs: list[
            tuple[str, RelationshipType, str, str, dict[int, tuple[int, int, dt.date | None, str]]]
        ] = []
        # What the rows brought: row of each existing key (0: not seen), new keys in order.
        self.seen_row = array("l")
        self.seen_new: dict[str, int] = {}
        self.new_row = array("l")
        self.new_id = array("q")
        self.invalid: set[str] = set()
        self.erased: set[str] = set()
        self.refs: list[_PendingRef] = []

    # -- 1. What the source already holds: external id -> (id, hash of the mapped values).

    def existing(self) -> None:
        ctx, fields = self.ctx, self.fields
        keys, ids, hashes, merged, ex_values = (
            self.keys, self.ids, self.hashes, self.merged, self.ex_values,
        )  # fmt: skip
        select_cols = ", ".join(["id", "erp_id", "merged_into_id", *fields])
        date_pos = [i for i, f in enumerate(fields) if f == "birth_date"]
        base_sql = f"SELECT {select_cols} FROM {PARTY_TABLE} WHERE erp_source = %s"
        existing_rows: Iterable[tuple[Any, ...]]
        if self.keys_hint is not None and not ctx.full:
            existing_rows = select_in(base_sql, [ctx.source], "erp_id", sorted(self.keys_hint))
        else:
            existing_rows = stream(base_sql, [ctx.source])
        for rec in existing_rows:
            vals = rec[3:]
            if date_pos:
                vals = tuple(text(v) if i in date_pos else (v or "") for i, v in enumerate(vals))
            else:
                vals = tuple(v or "" for v in vals)
            keys[rec[1]] = len(ids)
            ids.append(rec[0])
            hashes.append(hash(vals))
            if ex_values is not None:
                ex_values.append(vals)
            elif self._pick is not None:
                self.kept_codes.append(self._code(vals))
            if rec[2]:
                merged[len(ids) - 1] = rec[2]
        if merged:
            # A merged party's key describes the survivor: its values are compared and kept.
            for idx, vals in redirect_merged(merged, ids, hashes, fields, date_pos).items():
                if ex_values is not None:
                    ex_values[idx] = vals
                elif self._pick is not None:
                    self.kept_codes[idx] = self._code(vals)
        # The import's current links by child, so unchanged references cost nothing more.
        for fname, type_key, rsource, suffix in LINK_FIELDS:
            if fname in self.mapped:
                rtype = RelationshipType.objects.get(key=type_key)
                ext_ref = f"{ctx.source}/{suffix}"
                children = list(ids) if self.keys_hint is not None else None
                current = managed_links(rtype.pk, ext_ref, ctx.today, children)
                self.link_specs.append((fname, rtype, rsource, ext_ref, current))
        self.seen_row = array("l", [0]) * len(ids)
        # Keys whose personal data was erased (Art. 17 GDPR): their rows are refused until the
        # key is released on purpose (parties.rules.erased_keys, written by verbund.privacy).
        hint = sorted(self.keys_hint) if self.keys_hint is not None and not ctx.full else None
        self.erased = party_rules.erased_keys(ctx.source, hint)
        ctx.report_progress(0.02, _("Existing records loaded"))

    def _code(self, vals: tuple[Any, ...]) -> int:
        kept = self._pick(vals)  # type: ignore[misc]
        code = self.kept.get(kept)
        if code is None:
            # At most 2 kinds x 7 statuses x the countries: far below the array's 65,536.
            code = self.kept[kept] = len(self.kept_list)
            self.kept_list.append(kept)
        return code

    def stored(self, idx: int) -> dict[int, Any]:
        """What key ``idx``'s party holds that a blank or absent value keeps, by position."""
        if self.ex_values is not None:
            return dict(enumerate(self.ex_values[idx]))
        if self._pick is None:
            return {}
        kept = self.kept_list[self.kept_codes[idx]]
        return dict(zip(self.keep_pos, kept if len(self.keep_pos) > 1 else (kept,), strict=True))

    # -- the phases after it

    def run(
        self, checked: Iterable[tuple[Any, ...]], total_hint: Callable[[], float] | None
    ) -> Outcome:
        out, ctx = self.out, self.ctx
        failed = self.rows(checked, total_hint)
        if out.counts["rows"] == 0:
            out.error(no_data_rows())
            raise Abort(out)
        if failed and ctx.atomic:
            raise Abort(out)
        ctx.report_progress(0.65, _("Resolving references"))
        self.links()
        self.full_sync()
        if out.counts["errors"] and ctx.atomic:
            raise Abort(out)
        return out

    # -- 2. Stream the rows: compare with what the source holds, write in chunks.

    def rows(
        self, checked: Iterable[tuple[Any, ...]], total_hint: Callable[[], float] | None
    ) -> bool:
        """Read every checked row, update the changed parties and insert the new ones (one
        bulk insert for all, which chunks it); returns whether any row failed."""
        out, ctx, fields, bulk = self.out, self.ctx, self.fields, self.bulk
        keys, ids, hashes, merged = self.keys, self.ids, self.hashes, self.merged
        seen_row, seen_new, new_row, new_id = (
            self.seen_row,
            self.seen_new,
            self.new_row,
            self.new_id,
        )
        invalid, refs, link_specs = self.invalid, self.refs, self.link_specs
        erased = self.erased
        atomic = ctx.atomic
        writes = PartyInsert(self.writer, fields, ctx.source)
        create_buf: list[tuple[str, list[str], int, tuple[str, str, str] | None]] = []
        # (id, values, key, row, whether the row names the postcode: update_parties pads only then)
        update_buf: list[tuple[int, list[str], str, int, bool]] = []
        merged_targets: dict[int, int] = {}
        created_pos = array("l")
        name_at = fields.index("name") if "name" in fields else -1
        last_at = fields.index("last_name") if "last_name" in fields else -1
        kind_at = fields.index("kind") if "kind" in fields else -1
        first_at = fields.index("first_name") if "first_name" in fields else -1
        person_names = min(name_at, kind_at, first_at, last_at) >= 0
        postcode_at = fields.index("postcode") if "postcode" in fields else -1
        postcode_country = (
            (postcode_at, fields.index("country"))
            if postcode_at >= 0 and "country" in fields
            else None
        )
        failed = False
        for issue in self.initial_errors:
            out.error(issue)
            failed = True
            if issue.key:
                invalid.add(issue.key)
        n = 0

        def flush() -> Iterator[list[Any]]:
            if (failed and atomic) or (not create_buf and not update_buf):
                create_buf.clear()
                update_buf.clear()
                return
            if update_buf:
                with bulk.db_lock:  # the bulk writer may be writing the previous chunk
                    update_parties(bulk, update_buf, fields, ctx, out)
                update_buf.clear()
            if create_buf:
                prepared = writes.prepare(create_buf)
                created_pos.extend([seen_new[key] for key, _cleaned, _row, _derived in create_buf])
                room = SAMPLE - len(out.created)
                if room > 0:
                    # The report's sample of new parties (row, key, name; the id once written).
                    out.created.extend(
                        {"row": row, "key": key, "name": cleaned[name_at] if name_at >= 0 else ""}
                        for key, cleaned, row, _derived in create_buf[:room]
                    )
                if out.outcomes is not None:
                    for key, _cleaned, _row, _derived in create_buf:
                        out.outcome(key, "created")
                out.counts["created"] += len(create_buf)
                create_buf.clear()
                yield from prepared

        def produce() -> Iterator[list[Any]]:
            nonlocal failed, n
            for (
                row_no, key, cleaned, issues, name_issue, has_name_columns, share, parent_ext,
                main_ext, derived,
            ) in checked:  # fmt: skip
                n += 1
                if cleaned is None:
                    for issue in issues:
                        out.error(issue)
                    failed = True
                    continue
                if erased and key in erased:
                    out.error(
                        Issue(row_no, "external_id", key, party_rules.erased_key_error(key), key)
                    )
                    failed = True
                    invalid.add(key)
                    continue
                idx = keys.get(key)
                if idx is not None:
                    first = seen_row[idx] or None
                else:
                    pos = seen_new.get(key)
                    first = new_row[pos] if pos is not None else None
                if first is not None:
                    out.error(
                        Issue(
                            row_no,
                            "external_id",
                            key,
                            _("The external id %(key)s appears twice: rows %(first)s and %(row)s.")
                            % {"key": key, "first": first, "row": row_no},
                            key,
                        )
                    )
                    failed = True
                    invalid.add(key)
                    continue
                if idx is not None:
                    seen_row[idx] = row_no
                else:
                    seen_new[key] = len(new_row)
                    new_row.append(row_no)
                    new_id.append(0)
                # Only a postcode the row names is padded: an absent one is the party's, as
                # stored (decision 0059; ``verbund party postcodes`` fixes those).
                names_postcode = postcode_at >= 0 and cleaned[postcode_at] is not None
                if None in cleaned:
                    stored = self.stored(idx) if idx is not None else {}
                    cleaned = [
                        (stored[i] if i in stored else CREATE_DEFAULTS.get(f, ""))
                        if v is None
                        else v
                        for i, (f, v) in enumerate(zip(fields, cleaned, strict=True))
                    ]
                    if postcode_country is not None and names_postcode and cleaned[postcode_at]:
                        # A blank country cell: the postcode follows the country the party
                        # keeps or gets (the row check pads only where the row names one).
                        at, country = postcode_country
                        cleaned[at] = party_rules.normal_postcode(cleaned[country], cleaned[at])
                if person_names and not cleaned[name_at] and cleaned[kind_at] == PartyKind.PERSON:
                    # A person's blank name is made of first and last name, as stored (without
                    # both columns, the update reads the stored one: update_parties).
                    cleaned[name_at] = person_name(cleaned[first_at], cleaned[last_at])
                if name_issue == KIND_OF_PARTY:
                    # A blank kind: the name rule asks the kind the party keeps or gets.
                    named = party_rules.name_error(
                        cleaned[kind_at],
                        cleaned[name_at] if name_at >= 0 else "",
                        cleaned[last_at] if last_at >= 0 else "",
                    )
                    name_issue = Issue(row_no, named[0], "", named[1], key) if named else None
                if name_issue is not None and (idx is None or has_name_columns):
                    # Set only for rows whose fields are clean: it comes before a share problem.
                    issues = [name_issue, *(issues or ())]
                if issues:
                    for issue in issues:
                        out.error(issue)
                    failed = True
                    invalid.add(key)
                    continue
                if idx is None:
                    create_buf.append((key, cleaned, row_no, derived))
                    created = True
                    pid = 0
                else:
                    pid = ids[idx]
                    created = False
                    if idx in merged:
                        other = merged_targets.get(pid)
                        if other is not None:
                            out.error(
                                Issue(
                                    row_no,
                                    "external_id",
                                    key,
                                    _("Rows %(a)s and %(b)s both describe party %(id)s (merged).")
                                    % {"a": other, "b": row_no, "id": pid},
                                    key,
                                )
                            )
                            failed = True
                            continue
                        merged_targets[pid] = row_no
                    if hashes[idx] == hash(tuple(cleaned)):
                        out.counts["unchanged"] += 1
                        out.outcome(key, "unchanged")
                    else:
                        update_buf.append((pid, cleaned, key, row_no, names_postcode))
                # A link to write unless the import's current one already is what the row asks
                # for (spelled out here: it runs for every row).
                need = False
                for fname, _rtype, _rsource, _ref, current in link_specs:
                    want = parent_ext if fname == "parent" else main_ext
                    if want is None:
                        continue
                    cur = current.get(pid) if not created else None
                    if not want:
                        need = need or cur is not None
                        continue
                    if cur is not None:
                        j = keys.get(want)
                        if (
                            j is not None
                            and ids[j] == cur[1]
                            and (fname != "parent" or cur[3] == (share or ""))
                        ):
                            continue
                    need = True
                if need:
                    refs.append(_PendingRef(row_no, key, pid, created, parent_ext, share, main_ext))
                if len(create_buf) >= CHUNK or len(update_buf) >= CHUNK:
                    yield from flush()
                    if total_hint:
                        ctx.report_progress(
                            0.02 + 0.6 * total_hint(),
                            _("%(n)s rows read") % {"n": grouped(n)},
                            often=True,
                        )
            yield from flush()

        # Each created party's history names the run: its records are written with each chunk
        # of parties, by the writer thread (a run that fails later rolls them back with it).
        by, note = ctx.history_by(), ctx.history_note()

        def created_history(ids: range) -> Rows:
            return history(
                bulk.now_db, "party.create", actor=ctx.actor, by=by, note=note, party_ids=ids
            )

        # One insert for all new parties: the writer chunks it, and may rebuild the indexes.
        created_ids = self.writer.insert(
            produce(),
            writes.columns,
            derive=False,
            rebuild_indexes=self.rebuild_indexes,
            constants=writes.constants,
            companion=created_history,
        )
        self.writer.release_numbers()
        out.party_ids.append(created_ids)
        for k, pid in enumerate(created_ids):
            new_id[created_pos[k]] = pid
        for item, pid in zip(out.created, created_ids, strict=False):
            item["party"] = pid
        out.counts["rows"] = n
        return failed

    # -- 3. Links from parent / main-address fields.

    def links(self) -> None:
        refs, new_id, seen_new, out, ctx = self.refs, self.new_id, self.seen_new, self.out, self.ctx
        if not refs:
            return
        # Newly created ids for pending references.
        for ref in refs:
            if ref.created:
                pos = seen_new.get(ref.key)
                ref.party_id = new_id[pos] if pos is not None else 0
        changes: list[LinkChange] = []
        for fname, rtype, link_source, ext_ref, current in self.link_specs:
            for ref in refs:
                target_ext = ref.parent if fname == "parent" else ref.main
                if target_ext is None or ref.party_id == 0:
                    continue
                target = None
                if target_ext:
                    target, reason = self._target(target_ext, ref.party_id)
                    if reason is not None:
                        out.error(Issue(ref.row, fname, target_ext, reason, ref.key))
                        continue
                cur = current.get(ref.party_id)
                share = (ref.share or "") if fname == "parent" else ""
                if (
                    cur is not None
                    and target is not None
                    and cur[1] == target
                    and (fname != "parent" or cur[3] == share)
                ):
                    continue
                if cur is None and target is None:
                    continue
                changes.append(
                    LinkChange(
                        ref.row, ref.key, rtype, ref.party_id, target, cur, share or None,
                        link_source, ext_ref, ref.created,
                        valid_from=None if ref.created else ctx.today,
                    )
                )  # fmt: skip
        refs.clear()
        apply_link_changes(changes, ctx, out, rebuild_indexes=self.rebuild_indexes)

    def _target(self, ext: str, party_id: int) -> tuple[int | None, str | None]:
        """The party an external id refers to, or the message why it cannot be linked."""
        if ext in self.invalid:
            return None, _("Refers to %(key)s, whose own row is invalid.") % {"key": ext}
        target = None
        pos = self.seen_new.get(ext)
        if pos is not None and self.new_id[pos]:
            target = self.new_id[pos]
        else:
            i = self.keys.get(ext)
            target = self.ids[i] if i is not None else None
        if target is None:
            return None, _(
                "No party with external id %(key)s in the file or in source %(source)s."
            ) % {"key": ext, "source": self.ctx.source}
        return target, relationship_rules.self_link_error(target, party_id)

    # -- 4. Full sync: archive what the source no longer sends.

    def full_sync(self) -> None:
        if not self.ctx.full:
            return
        seen_row, ids = self.seen_row, self.ids
        gone = [(k, ids[i]) for k, i in self.keys.items() if not seen_row[i]]
        if gone:
            archive(self.bulk, gone, self.ctx, self.out)
