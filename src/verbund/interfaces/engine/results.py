"""What a run is told (``Context``) and what it found and did (``Issue``, ``Outcome``, ``Abort``)."""

from __future__ import annotations

import datetime as dt
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

MAX_STORED_ERRORS = 10_000
# Errors kept per external id for an API batch's answer: records sharing a key (the same
# relationship sent a thousand times) would otherwise each carry every other's errors, an
# answer growing with the square of the batch (4,000 such records took 12 s to encode).
MAX_KEY_ERRORS = 20
SAMPLE = 50
SUMMARY_LIMIT = 10_000
# (type id, child id) of hierarchy links written are kept up to this many; beyond, the closure
# of the types is rebuilt whole instead of patched child by child.
TOUCH_LIMIT = 2000


@dataclass
class Issue:
    """A refused value: row, field (as the mapping names it), value and the rule's message."""

    row: int
    field: str
    value: str
    reason: str
    key: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "key": self.key,
            "field": self.field,
            "value": self.value[:200],
            "reason": self.reason,
        }


@dataclass
class Outcome:
    """What the engine did; ``outcomes`` (per external id) only when asked (API batches)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ["rows", "created", "updated", "unchanged", "archived", "ended", "links_created", "links_ended", "skipped", "errors", "warnings"], 0))  # fmt: skip
    errors: list[Issue] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    diffs: list[dict[str, Any]] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)
    # A sample (SAMPLE) of the records created: row, key, name and, once written, the party id.
    created: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[str, dict[str, Any]] | None = None
    hierarchy_types: set[str] = field(default_factory=set)
    # (type id, child id) of every hierarchy link written, for closure upkeep; beyond
    # TOUCH_LIMIT only ``touched_many`` (the closure of ``hierarchy_types`` is rebuilt whole).
    touched: set[tuple[int, int]] = field(default_factory=set)
    touched_many: bool = False
    party_ids: list[range] = field(default_factory=list)
    updated_ids: array[int] = field(default_factory=lambda: array("q"))

    def error(self, issue: Issue) -> None:
        self.counts["errors"] += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(issue)
        if self.outcomes is not None and issue.key:
            entry = self.outcomes.setdefault(issue.key, {"status": "error", "errors": []})
            entry["status"] = "error"
            if len(entry["errors"]) < MAX_KEY_ERRORS:
                entry["errors"].append(
                    {"field": issue.field, "value": issue.value[:200], "reason": issue.reason}
                )

    def warn(self, row: int, reason: str, **extra: Any) -> None:
        self.counts["warnings"] += 1
        if len(self.warnings) < MAX_STORED_ERRORS:
            self.warnings.append({"row": row, "reason": reason, **extra})

    def outcome(self, key: str, status: str) -> None:
        if self.outcomes is not None:
            entry = self.outcomes.setdefault(key, {"status": status, "errors": []})
            if entry["status"] != "error":
                entry["status"] = status

    def note_summary(self, item: dict[str, Any]) -> None:
        if len(self.summary) < SUMMARY_LIMIT:
            self.summary.append(item)

    def touch(self, type_key: str, type_id: int, child: int) -> None:
        """A hierarchy link of ``child`` was written: its closure needs upkeep after the run."""
        self.hierarchy_types.add(type_key)
        if not self.touched_many:
            self.touched.add((type_id, child))
            if len(self.touched) > TOUCH_LIMIT:
                self.touched_many = True
                self.touched.clear()

    def report(self) -> dict[str, Any]:
        return {
            "errors": [e.as_dict() for e in self.errors],
            "errors_total": self.counts["errors"],
            "warnings": self.warnings,
            "diffs": self.diffs,
            "created": self.created,
            "archived": self.archived,
            "ended": self.ended,
            "parties": self.summary,
        }


@dataclass
class Context:
    """A run's options. ``run_id`` and ``actor``: who and what the parties' history names."""

    source: str
    skip_invalid: bool = False
    full: bool = False
    numbers: str = "auto"
    dates: str = "auto"
    today: dt.date = field(default_factory=dt.date.today)
    progress: Callable[[float, str], None] | None = None
    track_outcomes: bool = False
    create_missing: bool = False
    # A GLEIF Level-1 file: names, addresses and register numbers of the parties created.
    level1: str = ""
    run_id: int | None = None
    actor: Any = None
    # Who started the run when no user did (the command line's OS user or --actor).
    actor_name: str = ""
    # API batches: per record (its row), the keys sent a JSON object or list, with the value
    # as JSON text. No field takes one: each is an error of its record (``not_a_value``).
    # ``records_reader`` fills this very dict as it reads each record: never reassign it.
    not_text: dict[int, dict[str, str]] = field(default_factory=dict)
    _reported: float = 0.0

    @property
    def atomic(self) -> bool:
        """All or nothing: any error and the run rolls back."""
        return not self.skip_invalid

    def row_values(
        self, row: int, raw: dict[str, str], col_items: list[tuple[str, str]]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Row ``row``'s values by field (``col_items``: column, field), stripped, and,
        separately, the fields its API record sent a JSON object or list ({field: JSON}): each
        is an error of the row (``not_text_issues``) and reads as absent."""
        values = {f: raw[c].strip() for c, f in col_items if c in raw}
        sent = self.not_text.get(row)
        if not sent:
            return values, {}
        odd = {f: sent[c] for c, f in col_items if c in sent}
        for f in odd:
            values.pop(f, None)
        return values, odd

    def report_progress(self, fraction: float, message: str, *, often: bool = False) -> None:
        """``often``: a per-chunk report, passed on at most twice a second (a file write each)."""
        if self.progress:
            now = time.monotonic()
            if often and now - self._reported < 0.5:
                return
            self._reported = now
            self.progress(fraction, message)

    def history_by(self) -> tuple[str, Any]:
        """What a party's history names as the writer: the run (object type, id)."""
        return "interfaces.importrun", self.run_id or ""

    def history_note(self) -> str:
        if self.run_id is None:
            note = _("Import from %(source)s") % {"source": self.source}
        else:
            note = _("Import run #%(run)s from %(source)s") % {
                "run": self.run_id,
                "source": self.source,
            }
        if self.actor_name:
            note = _("%(note)s, started by %(name)s") % {"note": note, "name": self.actor_name}
        return note


def no_data_rows() -> Issue:
    return Issue(0, "", "", _("The file has no data rows."))


def empty_value() -> str:
    """The message for a required value that is missing."""
    return _("Empty.")


def not_a_value() -> str:
    """The message for a JSON object or list sent as a field's value (an API batch)."""
    return _(
        "A JSON object or list is not a value of this field; send text, a number, true/false or null."
    )


def not_text_issues(row: int, fields: dict[str, str], key: str) -> list[Issue]:
    """Record ``row``'s errors for its ``fields`` sent a JSON object or list."""
    return [Issue(row, f, value, not_a_value(), key) for f, value in fields.items()]


def empty_external_id() -> str:
    return _("The external id is empty.")


class Abort(Exception):
    """All-or-nothing run with errors: roll back (the outcome holds the errors)."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__("import aborted")
        self.outcome = outcome
