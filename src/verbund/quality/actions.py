"""Every write of the quality app: candidates, "not a duplicate", merges and their undo.

A merge is one transaction that only orchestrates other domains' actions: the survivor takes
the chosen values and the contacts (parties actions), the relationships move
(``relationships.actions.do_reassign_party_links``), every other app moves its rows through its
``merge.reassign``, and the merged record becomes an archived redirect for its number and ERP
key (``parties.actions.do_mark_merged``). The merge record keeps what moved, so
``do_undo_merge`` puts it all back through the matching undo actions.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.core import audit, extensions
from verbund.core.errors import Conflict
from verbund.core.formatting import format_date
from verbund.parties.actions import (
    EDITABLE_FIELDS,
    do_mark_merged,
    do_unmark_merged,
    do_update_party,
)
from verbund.parties.models import Party
from verbund.quality import rules
from verbund.quality.matching import DEFAULT_THRESHOLD
from verbund.quality.models import (
    CandidateStatus,
    DedupeRun,
    DuplicateCandidate,
    MatchModel,
    MergeRecord,
    NotDuplicate,
    RunStatus,
)
from verbund.relationships.actions import do_reassign_party_links, do_restore_party_links

# Fields a steward may take over from the merged record; numbers and ERP keys stay with
# their record, because the merged record keeps redirecting through them.
MERGEABLE_FIELDS = [
    f
    for f in EDITABLE_FIELDS
    if f not in ("kind", "number", "erp_source", "erp_id", "organisation", "responsible")
]


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


@transaction.atomic
def do_mark_not_duplicate(
    party_a: Party, party_b: Party, *, actor: Any, note: str = ""
) -> NotDuplicate:
    """Remember that two parties are different; their pair is not proposed again."""
    if party_a.pk == party_b.pk:
        raise ValidationError(_("A party cannot be its own duplicate."))
    a, b = _ordered(party_a.pk, party_b.pk)
    decision, created = NotDuplicate.objects.get_or_create(
        party_a_id=a, party_b_id=b, defaults={"note": note, "decided_by": _user(actor)}
    )
    DuplicateCandidate.objects.filter(party_a_id=a, party_b_id=b).update(
        status=CandidateStatus.REJECTED, updated_at=timezone.now()
    )
    if created:
        for pid in (a, b):
            audit.record(
                actor=actor,
                action="quality.not_duplicate",
                obj=decision,
                after={"party_a": a, "party_b": b},
                party_id=pid,
                note=note,
            )
    return decision


@transaction.atomic
def do_reopen_pair(party_a: Party, party_b: Party, *, actor: Any) -> None:
    """Withdraw a "not a duplicate" decision: the pair's suggestion is open again (a pair
    without one is proposed again by the next run). A pair not marked is refused
    (``Conflict``)."""
    a, b = _ordered(party_a.pk, party_b.pk)
    decision = NotDuplicate.objects.select_for_update().filter(party_a_id=a, party_b_id=b).first()
    if decision is None:
        raise Conflict(_("These two parties are not marked as different parties."))
    before = {"party_a": a, "party_b": b, "note": decision.note}
    decision_id = decision.pk
    decision.delete()
    DuplicateCandidate.objects.filter(
        party_a_id=a, party_b_id=b, status=CandidateStatus.REJECTED
    ).update(status=CandidateStatus.OPEN, updated_at=timezone.now())
    for pid in (a, b):
        audit.record(
            actor=actor,
            action="quality.reopen_pair",
            object_type="quality.notduplicate",
            object_id=decision_id,
            before=before,
            party_id=pid,
        )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def do_record_candidates(
    pairs: Iterable[dict[str, Any]], *, actor: Any, run: DedupeRun | None = None
) -> dict[str, int]:
    """Store bulk-detected pairs as open candidates (one audit record for the whole batch).

    ``pairs``: dicts with a, b, probability, points, evidence, category, cluster. Pairs decided
    "not a duplicate", pairs with a merged party and pairs already merged are skipped; open
    candidates get their score refreshed.
    """
    rejected = set(NotDuplicate.objects.values_list("party_a_id", "party_b_id"))
    merged = set(Party.objects.filter(merged_into__isnull=False).values_list("id", flat=True))
    existing = {(c.party_a_id, c.party_b_id): c for c in DuplicateCandidate.objects.all()}
    new: list[DuplicateCandidate] = []
    changed: list[DuplicateCandidate] = []
    skipped = 0
    for p in pairs:
        a, b = _ordered(int(p["a"]), int(p["b"]))
        if (a, b) in rejected or a in merged or b in merged:
            skipped += 1
            continue
        values = {
            "score": float(p["probability"]),
            "points": float(p["points"]),
            "evidence": p.get("evidence", []),
            "category": p.get("category", "duplicate"),
            "cluster": p.get("cluster"),
            "run": run,
        }
        cand = existing.get((a, b))
        if cand is None:
            new.append(DuplicateCandidate(party_a_id=a, party_b_id=b, **values))
        elif cand.status == CandidateStatus.OPEN:
            for k, v in values.items():
                setattr(cand, k, v)
            changed.append(cand)
    DuplicateCandidate.objects.bulk_create(new, batch_size=2000)
    DuplicateCandidate.objects.bulk_update(
        changed, ["score", "points", "evidence", "category", "cluster", "run"], batch_size=2000
    )
    stats = {"created": len(new), "updated": len(changed), "skipped": skipped}
    audit.record(
        actor=actor,
        action="quality.record_candidates",
        obj=run,
        object_type="quality.deduperun",
        after=stats,
    )
    return stats


@transaction.atomic
def do_create_run(
    *, actor: Any, kind: str = "organisation", threshold: float = DEFAULT_THRESHOLD
) -> DedupeRun:
    """Queue a bulk duplicate detection; the background job fills it in."""
    if kind not in ("organisation", "person"):
        raise ValidationError({"kind": _("Kind must be organisation or person.")})
    error = rules.threshold_error(threshold)
    if error:
        raise ValidationError({"threshold": error})
    run = DedupeRun.objects.create(kind=kind, threshold=threshold, created_by=_user(actor))
    audit.record(
        actor=actor,
        action="quality.run_create",
        obj=run,
        after={"kind": kind, "threshold": threshold},
    )
    return run


def do_finish_run(
    run: DedupeRun, *, status: str, stats: dict[str, Any] | None = None, error: str = ""
) -> DedupeRun:
    """Record the outcome of a run (called by the job; the candidates carry their own audit)."""
    DedupeRun.objects.filter(pk=run.pk).update(
        status=status, stats=stats or {}, error=error, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def do_store_model(
    *,
    kind: str,
    records: int,
    weights: Any,
    details: dict[str, Any],
    actor: Any,
) -> MatchModel:
    """Store weights trained from the records (``training``) as the kind's current model."""
    with transaction.atomic():
        model = MatchModel.objects.create(
            kind=kind,
            records=records,
            pairs=int(details.get("pairs") or 0),
            prior=weights.prior,
            weights={k: dict(v) for k, v in weights.points.items()},
            details=details,
            trained_by=_user(actor),
        )
        audit.record(
            actor=actor,
            action="quality.model_train",
            obj=model,
            after={"kind": kind, "records": records, "pairs": model.pairs, "prior": model.prior},
        )
    return model


def do_start_run(run: DedupeRun) -> None:
    DedupeRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)


# ------------------------------------------------------------------ merge


def _merge_modules() -> list[Any]:
    return [
        m for m in extensions.modules("merge") if hasattr(m, "reassign") and m.__name__ != __name__
    ]


@transaction.atomic
def do_merge(
    source: Party,
    survivor: Party,
    *,
    actor: Any,
    values: dict[str, Any] | None = None,
    note: str = "",
) -> MergeRecord:
    """Merge ``source`` into ``survivor`` as one action (see the module docstring).

    ``values``: field -> value the survivor takes (only ``MERGEABLE_FIELDS``); ``None`` takes
    ``preferred_values`` (the survivor keeps what it has and fills its empty fields from the
    merged record), ``{}`` takes nothing. The report on the merge record lists every
    relationship that was ended instead of moved, and why.
    """
    if source.pk == survivor.pk:
        raise ValidationError(_("A party cannot be merged into itself."))
    locked = {
        p.pk: p
        for p in Party.objects.select_for_update()
        .filter(pk__in=[source.pk, survivor.pk])
        .order_by("pk")
    }
    source, survivor = locked[source.pk], locked[survivor.pk]
    if source.merged_into_id or survivor.merged_into_id:
        raise ValidationError(_("One of the parties was already merged."))
    if source.kind != survivor.kind:
        raise ValidationError(_("An organisation and a person cannot be merged."))
    if Party.objects.filter(organisation_id=source.pk, pk=survivor.pk).exists():
        raise ValidationError(_("A person cannot be merged with their own organisation."))
    values = preferred_values([survivor, source], survivor) if values is None else dict(values)
    unknown = set(values) - set(MERGEABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {f: _("This field cannot be taken over in a merge.") for f in sorted(unknown)}
        )
    survivor_snapshot = audit.snapshot(survivor)
    source_snapshot = audit.snapshot(source)
    changes = {f: v for f, v in values.items() if survivor_snapshot.get(f) != audit.jsonable(v)}
    survivor_before = {f: survivor_snapshot.get(f) for f in changes}
    if changes:
        survivor = do_update_party(survivor, actor=actor, **changes)
    moved: dict[str, Any] = {"relationships": [], "ended": [], "contacts": [], "apps": {}}
    # Contacts (persons whose organisation is the merged record) move to the survivor.
    for contact in Party.objects.filter(
        organisation_id=source.pk, merged_into__isnull=True
    ).order_by("pk"):
        do_update_party(contact, actor=actor, organisation=survivor)
        moved["contacts"].append(contact.pk)
    links = do_reassign_party_links(source, survivor, actor=actor)
    moved["relationships"], moved["ended"] = links["moved"], links["ended"]
    report = [
        {
            "relationship": item["id"],
            "type": item["type"],
            "reason": item["reason"],
            "message": item.get("message", ""),
        }
        for item in links["ended"]
    ]
    for module in _merge_modules():
        moved["apps"][module.__name__] = module.reassign(source, survivor, actor=actor)
    # The merged record stays: archived, redirecting to the survivor by number and ERP key.
    source = do_mark_merged(source, survivor, actor=actor)
    a, b = _ordered(source.pk, survivor.pk)
    DuplicateCandidate.objects.filter(party_a_id=a, party_b_id=b).update(
        status=CandidateStatus.MERGED, updated_at=timezone.now()
    )
    record = MergeRecord.objects.create(
        source=source,
        survivor=survivor,
        actor=_user(actor),
        values={k: audit.jsonable(v) for k, v in changes.items()},
        survivor_before=survivor_before,
        source_before=source_snapshot,
        moved=moved,
        report=report,
        note=note,
    )
    # What moved (``sections.describe_history`` says it in words); the kept party's new values
    # are its own update's record, so neither file shows them twice or as the merged one's.
    summary = {
        "source": source.pk,
        "survivor": survivor.pk,
        "relationships_moved": len(moved["relationships"]),
        "relationships_ended": len(moved["ended"]),
        "contacts_moved": len(moved["contacts"]),
    }
    for pid in (source.pk, survivor.pk):
        audit.record(
            actor=actor,
            action="quality.merge",
            obj=record,
            after={"merge_summary": summary},
            party_id=pid,
            note=note,
        )
    return record


@transaction.atomic
def do_undo_merge(record: MergeRecord, *, actor: Any) -> MergeRecord:
    """Undo a merge: the merged record returns, and what moved goes back to it. A merge of a
    cluster is undone as one: every record of it, the last merged first."""
    head_id = record.cluster_head_id or record.pk
    group = list(
        MergeRecord.objects.filter(Q(pk=head_id) | Q(cluster_head_id=head_id)).order_by("-pk")
    )
    if len(group) > 1:
        ids = {m.source_id for m in group} | {group[0].survivor_id}
        for member in group:
            _undo_one(member, actor=actor)
        _set_pair_status(ids, CandidateStatus.MERGED, CandidateStatus.OPEN)
        return MergeRecord.objects.get(pk=record.pk)
    return _undo_one(record, actor=actor)


def _undo_one(record: MergeRecord, *, actor: Any) -> MergeRecord:
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    if record.undone_at:
        raise ValidationError(_("This merge was already undone."))
    source = Party.objects.select_for_update().get(pk=record.source_id)
    survivor = Party.objects.select_for_update().get(pk=record.survivor_id)
    # A later merge stands in the way, not the request: a 409 (decision 0038, revision 3).
    if survivor.merged_into_id:
        raise Conflict(_("The survivor was merged again; undo that merge first."))
    later = MergeRecord.objects.filter(
        survivor_id=source.pk, undone_at__isnull=True, created_at__gt=record.created_at
    )
    if later.exists():
        raise Conflict(_("Another record was merged into this one later; undo that merge first."))
    source = do_unmark_merged(
        source,
        actor=actor,
        archived=bool(record.source_before.get("archived")),
        note=_("Merge undone"),
    )
    moved = record.moved
    for module in reversed(_merge_modules()):
        if module.__name__ in moved.get("apps", {}) and hasattr(module, "unassign"):
            module.unassign(moved["apps"][module.__name__], source, survivor, actor=actor)
    do_restore_party_links(
        {"moved": moved.get("relationships", []), "ended": moved.get("ended", [])},
        actor=actor,
        note="undo merge",
    )
    for contact_id in moved.get("contacts", []):
        contact = Party.objects.get(pk=contact_id)
        if contact.organisation_id == survivor.pk and not contact.merged_into_id:
            do_update_party(contact, actor=actor, organisation=source)
    if record.survivor_before:
        restore = {f: v for f, v in record.survivor_before.items()}
        if restore.get("birth_date"):
            restore["birth_date"] = dt.date.fromisoformat(restore["birth_date"])
        do_update_party(survivor, actor=actor, **restore)
    a, b = _ordered(source.pk, survivor.pk)
    DuplicateCandidate.objects.filter(
        party_a_id=a, party_b_id=b, status=CandidateStatus.MERGED
    ).update(status=CandidateStatus.OPEN)
    record.undone_at = timezone.now()
    record.undone_by = _user(actor)
    record.save(update_fields=["undone_at", "undone_by"])
    for pid in (source.pk, survivor.pk):
        audit.record(
            actor=actor,
            action="quality.undo_merge",
            obj=record,
            before={"merge": record.pk},
            after=None,
            party_id=pid,
        )
    return record


# ------------------------------------------------------------------ clusters and the plan


def field_label(field: str) -> str:
    """A party field's label in the active language."""
    return str(getattr(Party._meta.get_field(field), "verbose_name", field))


def preferred_values(parties: list[Party], survivor: Party) -> dict[str, Any]:
    """The values a merge takes unless told otherwise: the survivor keeps every value it has;
    an empty field takes the first filled value among ``parties`` (in their order), so that a
    merge never loses a VAT id or a phone number by default."""
    values: dict[str, Any] = {}
    for field in MERGEABLE_FIELDS:
        if getattr(survivor, field) not in (None, ""):
            continue
        for party in parties:
            value = getattr(party, field)
            if party.pk != survivor.pk and value not in (None, ""):
                values[field] = value
                break
    return values


def preferred_sources(parties: list[Party], survivor: Party) -> dict[str, int]:
    """Field -> id of the party whose value ``preferred_values`` takes (the survivor's where it
    keeps its own): what the merge form pre-selects."""
    chosen = preferred_values(parties, survivor)
    picks = {}
    for field in MERGEABLE_FIELDS:
        picks[field] = survivor.pk
        if field in chosen:
            picks[field] = next(
                p.pk for p in parties if p.pk != survivor.pk and getattr(p, field) == chosen[field]
            )
    return picks


def _set_pair_status(ids: set[int], old: str, new: str) -> None:
    DuplicateCandidate.objects.filter(party_a_id__in=ids, party_b_id__in=ids, status=old).update(
        status=new, updated_at=timezone.now()
    )


@transaction.atomic
def do_merge_cluster(
    sources: list[Party],
    survivor: Party,
    *,
    actor: Any,
    values: dict[str, Any] | None = None,
    note: str = "",
) -> list[MergeRecord]:
    """Merge every record of ``sources`` into ``survivor`` in one transaction, one ``do_merge``
    each, the survivor taking ``values`` with the first (``None``: ``preferred_values`` over
    all records). The records after the first point at it (``cluster_head``), so that
    ``do_undo_merge`` undoes the cluster as one. A pair is a cluster of two."""
    seen: set[int] = {survivor.pk}
    unique = []
    for party in sources:
        if party.pk in seen:
            raise ValidationError(_("A party cannot be merged into itself."))
        seen.add(party.pk)
        unique.append(party)
    if not unique:
        raise ValidationError(_("Choose at least one record to merge."))
    if values is None:
        values = preferred_values([survivor, *unique], survivor)
    records: list[MergeRecord] = []
    for i, source in enumerate(unique):
        record = do_merge(source, survivor, actor=actor, values=values if i == 0 else {}, note=note)
        survivor.refresh_from_db()
        if records:
            record.cluster_head = records[0]
            record.save(update_fields=["cluster_head"])
        records.append(record)
    if len(records) > 1:
        _set_pair_status(seen, CandidateStatus.OPEN, CandidateStatus.MERGED)
    return records


class _PlanOnly(Exception):
    """Rolls back the merge ``plan_merge`` ran to see what it would do."""


def plan_merge(
    sources: list[Party],
    survivor: Party,
    *,
    actor: Any,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What ``do_merge_cluster`` would do, found by running it and rolling it back: the plan is
    the merge itself, not a second copy of its rules (decision 0021).

    Returns ``{"values": {field: value}, "errors": [...], "sections": [{"key", "title",
    "items": [{"outcome": moved|ended|stays, "text", "why", "record"}]}]}``.
    """
    plan: dict[str, Any] = {"values": {}, "refused": [], "sections": []}
    try:
        with transaction.atomic():
            records = do_merge_cluster(sources, survivor, actor=actor, values=values)
            plan["values"] = {f: v for r in records for f, v in r.values.items()}
            plan["sections"] = describe_merge(records)
            raise _PlanOnly
    except _PlanOnly:
        pass
    except ValidationError as exc:
        plan["refused"] = exc.messages
    return plan


def describe_merge(records: list[MergeRecord]) -> list[dict[str, Any]]:
    """What the merges moved or ended, by section, as the plan and the merge page list it."""
    titles = {
        "relationships": _("Relationships"),
        "contacts": _("Contacts"),
        "verbund.activities.merge": _("Activities"),
        "verbund.revenue.merge": _("Revenue"),
        "verbund.compliance.merge": _("Screening hits"),
    }
    sections: dict[str, list[dict[str, str]]] = {key: [] for key in titles}
    modules = {m.__name__: m for m in _merge_modules()}
    for record in records:
        number = str(record.source.number)
        for item in _describe_links(record.moved):
            sections["relationships"].append({**item, "record": number})
        for contact in Party.objects.filter(pk__in=record.moved.get("contacts", [])):
            text = contact.display_name
            sections["contacts"].append(
                {"outcome": "moved", "text": text, "why": "", "record": number}
            )
        for name, moved in record.moved.get("apps", {}).items():
            module = modules.get(name)
            if module is not None and hasattr(module, "describe"):
                for item in module.describe(moved):
                    sections.setdefault(name, []).append({**item, "record": number})
    return [
        {"key": key, "title": titles.get(key, key), "items": items}
        for key, items in sections.items()
    ]


def _describe_links(moved: dict[str, Any]) -> list[dict[str, str]]:
    from verbund.relationships.models import Relationship

    reasons = {
        "self": _("it would link the survivor to itself"),
        "repeat": _("the survivor has this link already"),
        "conflict": _("it would give a second parent or close a cycle"),
    }
    items = moved.get("relationships", []) + moved.get("ended", [])
    rels = Relationship.objects.select_related("type", "from_party", "to_party").in_bulk(
        [i["id"] for i in items]
    )
    out = []
    for item in items:
        rel = rels.get(item["id"])
        if rel is None:
            continue
        since = format_date(rel.valid_from)
        text = f"{rel.from_party.display_name} {rel.type.label_forward} {rel.to_party.display_name}"
        if since:
            text += " " + _("(since %(date)s)") % {"date": since}
        if item.get("result") == "ended":
            why = reasons.get(item.get("reason", ""), item.get("message", ""))
            out.append({"outcome": "ended", "text": text, "why": why})
        else:
            out.append({"outcome": "moved", "text": text, "why": ""})
    return out
