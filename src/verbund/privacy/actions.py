"""Every write of the privacy role, each in one transaction with its privacy-log entry (and,
where a party changes, its audit record)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.activities.models import Activity
from verbund.compliance.models import Hit
from verbund.core import audit
from verbund.core.models import AuditRecord
from verbund.core.sql import transaction_lock
from verbund.core.text import fold
from verbund.followups import selectors as followups
from verbund.followups.models import FollowUp
from verbund.interfaces.models import ImportRun
from verbund.parties.derive import derive_search_columns, person_name
from verbund.parties.models import ErasedKey, Party
from verbund.privacy import rules, selectors
from verbund.privacy.models import (
    RETENTION_OPEN,
    Article,
    Consent,
    LegalHold,
    PrivacyAction,
    PrivacyLog,
    RetentionRun,
    RetentionStatus,
)
from verbund.quality.models import DuplicateCandidate, MergeRecord, NotDuplicate
from verbund.relationships.models import Relationship
from verbund.revenue.models import RevenueMonth


def log(*, actor: Any, party_id: int | None, action: str, article: str, reason: str = "") -> None:
    """Add one privacy-log entry (inside the caller's transaction). No personal data: the
    party by id, the act, the article, the reason as typed."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    PrivacyLog.objects.create(
        actor=user, party_id=party_id, action=action, article=article, reason=reason[:500]
    )


# --- erasure (Art. 17) ---------------------------------------------------------------------


@dataclass
class ErasurePlan:
    """What an erasure changes (shown before it runs) or changed."""

    party_ids: list[int]
    fields: list[str]
    activities: int
    audit_records: int
    relationships_kept: int
    revenue_months_kept: int
    erased_keys: list[str]
    other_rows: int = 0
    # Of ``activities``, those of organisations naming the person as the contact person.
    contact_activities: int = 0
    # Follow-ups filed under the person, open and done: subject and note replaced.
    follow_ups: int = 0


def erasure_refusal(party: Party) -> str | None:
    """Why ``party`` cannot be erased now (not a data subject, already erased, legal hold)."""
    ids = selectors.family_ids(party)
    return (
        rules.not_a_data_subject_error(party.kind, party.sole_trader)
        or rules.already_erased_error(selectors.is_erased(party.pk))
        or selectors.hold_message(ids)
    )


def erasure_plan(party: Party, *, count_records: bool = True) -> ErasurePlan:
    """What erasing ``party`` changes. ``count_records=False``: the audit records are left
    uncounted (0), for the erasure itself, which counts them as it scrubs them: the count
    reads every activity record's JSON, and the retention run erases party after party."""
    ids = selectors.family_ids(party)
    members = list(Party.objects.filter(pk__in=ids))
    activities = list(selectors.subject_activities(ids).values_list("pk", "party_id"))
    follow_up_ids = [str(pk) for pk in followups.of_parties(ids).values_list("pk", flat=True)]
    return ErasurePlan(
        party_ids=ids,
        fields=[f for f in rules.PERSONAL_FIELDS if any(getattr(p, f) for p in members)],
        activities=len(activities),
        contact_activities=sum(party_id not in ids for _pk, party_id in activities),
        follow_ups=len(follow_up_ids),
        audit_records=_erased_records(
            ids, [str(pk) for pk, _party in activities], follow_up_ids
        ).count()
        if count_records
        else 0,
        relationships_kept=Relationship.objects.filter(
            Q(from_party_id__in=ids) | Q(to_party_id__in=ids)
        ).count(),
        revenue_months_kept=RevenueMonth.objects.filter(party_id__in=ids).count(),
        erased_keys=[p.erp_key for p in members if p.erp_key],
    )


def _personal_values(members: list[Party], activities: list[Activity]) -> list[str]:
    values: list[Any] = []
    for p in members:
        values += [
            getattr(p, f) for f in rules.PERSONAL_FIELDS if f not in ("search_text", "phonetic")
        ]
        values += [p.display_name, person_name(p.first_name, p.last_name), str(p)]
        values += [fold(p.display_name), fold(p.last_name)]
        if p.birth_date:
            values.append(p.birth_date.isoformat())
    return rules.needles(
        [v for v in values if isinstance(v, str)]
        + [str(v) for v in values if isinstance(v, dt.date)]
    )


def _update_json(
    model: type[models.Model],
    qs: Any,
    fields: list[str],
    needles: list[str],
    keys: dict[str, Any] | None = None,
) -> int:
    """Scrub ``fields`` of the rows of ``qs`` (text or JSON); returns how many rows changed."""
    changed = 0
    for obj in qs.only("pk", *fields).iterator(chunk_size=500):
        updates = {}
        for f in fields:
            old = getattr(obj, f)
            new = rules.scrub(old, needles, keys)
            if new != old:
                updates[f] = new
        if updates:
            model._default_manager.filter(pk=obj.pk).update(**updates)
            changed += 1
    return changed


def _erased_records(
    ids: list[int], activity_ids: list[str], follow_up_ids: list[str]
) -> QuerySet[AuditRecord]:
    """The audit records an erasure scrubs (the plan counts them): the party's (among them
    those of its follow-ups, deleted ones too: each carries the party), its relationships',
    those of its follow-ups (``follow_up_ids``, also where an earlier record was filed under a
    record merged into the person), and those of the activities about the person
    (``activity_ids``) or that named them before (corrected to another contact since, or
    deleted)."""
    str_ids = [str(i) for i in ids]
    rel_ids = [
        str(i)
        for i in Relationship.objects.filter(
            Q(from_party_id__in=ids) | Q(to_party_id__in=ids)
        ).values_list("pk", flat=True)
    ]
    return AuditRecord.objects.filter(
        Q(party_id__in=ids)
        | Q(object_type="parties.party", object_id__in=str_ids)
        | Q(object_type="activities.activity", object_id__in=activity_ids)
        | Q(object_type="activities.activity", before__contact_id__in=ids)
        | Q(object_type="activities.activity", after__contact_id__in=ids)
        | Q(object_type="followups.followup", object_id__in=follow_up_ids)
        | Q(object_type="relationships.relationship", object_id__in=rel_ids)
    )


@transaction.atomic
def do_erase_party(
    party: Party, *, actor: Any, reason: str, article: str = Article.ERASURE
) -> ErasurePlan:
    """Anonymise a data subject in one transaction (Art. 17 GDPR).

    Name, address, phone, e-mail, birth date and numbers of the party (and of the records
    merged into it), the free text of its activities and of the organisations' activities
    naming it as the contact person (decision 0058), and the personal values inside audit
    before/after copies, relationship notes, screening evidence, duplicate and merge records and
    import reports are replaced. Relationships, revenue and counts stay, pointing at
    "gelöschte Person #N"; the ERP key is remembered so that a re-import is refused.
    Refused (ValidationError) while a legal hold applies.
    """
    message = rules.reason_error(reason)
    if message:
        raise ValidationError({"reason": message})
    party = Party.objects.select_for_update().get(pk=party.pk)
    refusal = erasure_refusal(party)
    if refusal:
        raise ValidationError(refusal)
    plan = erasure_plan(party, count_records=False)
    ids = plan.party_ids
    str_ids = [str(i) for i in ids]
    members = list(Party.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    activities = list(selectors.subject_activities(ids).select_related("party"))
    follow_up_ids = [str(pk) for pk in followups.of_parties(ids).values_list("pk", flat=True)]
    needles = _personal_values(members, activities)
    # 1. The parties: personal fields emptied, the name line a placeholder, archived.
    replaced: dict[str, Any] = {}
    for p in members:
        anonymous = rules.erased_name(p.number)
        for f in rules.PERSONAL_FIELDS:
            field = Party._meta.get_field(f)
            setattr(p, f, None if getattr(field, "null", False) else "")
        p.name = anonymous
        p.archived = True
        p.search_text, p.phonetic = derive_search_columns(p.name, "", p.number, "", "", "")
        p.save()
        replaced = {f: getattr(p, f) for f in rules.PERSONAL_FIELDS} | {
            "birth_date": None, "object_repr": anonymous,
        }  # fmt: skip
    keys = {f: v for f, v in replaced.items() if f != "object_repr"}
    # 2. Activities: free text replaced; kind, date and who logged it stay. An organisation's
    #    activity naming the person is its record, but its text is about the person: the same
    #    rule, and the contact keeps pointing at the anonymised party (decision 0058).
    activity_ids = [str(a.pk) for a in activities]
    Activity.objects.filter(pk__in=[a.pk for a in activities]).update(
        subject=rules.ERASED_TEXT, text=""
    )
    #    Follow-ups filed under the person likewise (decision 0063): due date, state and who
    #    did it stay; open ones stay open, the file shows "[gelöscht]" due on its day.
    FollowUp.objects.filter(pk__in=follow_up_ids).update(subject=rules.ERASED_TEXT, note="")
    plan.follow_ups = len(follow_up_ids)
    # 3. Audit records of the party and of its activities, follow-ups and relationships.
    records = _erased_records(ids, activity_ids, follow_up_ids)
    activity_keys = {"subject": rules.ERASED_TEXT, "text": ""}
    follow_up_keys = {"subject": rules.ERASED_TEXT, "note": ""}
    other = 0
    for rec in records.only("pk", "object_type", "object_repr", "before", "after", "note").iterator(
        chunk_size=500
    ):
        plan.audit_records += 1
        k = {"activities.activity": activity_keys, "followups.followup": follow_up_keys}.get(
            rec.object_type, keys
        )
        new = {
            "before": rules.scrub(rec.before, needles, k),
            "after": rules.scrub(rec.after, needles, k),
            "object_repr": rules.scrub(rec.object_repr, needles),
            "note": rules.scrub(rec.note, needles),
        }
        if rec.object_type == "parties.party" and rec.object_id in str_ids:
            new["object_repr"] = replaced.get("object_repr", rec.object_repr)
        elif rec.object_type in ("activities.activity", "followups.followup"):
            # "Anruf: <subject>", a follow-up's subject: replaced here as in the row.
            new["object_repr"] = rules.ERASED_TEXT
        if any(new[f] != getattr(rec, f) for f in new):
            AuditRecord.objects.filter(pk=rec.pk).update(**new)
    # 4. Other rows that quote the person: relationship notes, screening evidence, duplicate
    #    and merge records, import reports, consents' and holds' free text, the admin's log.
    other += _update_json(
        Relationship,
        Relationship.objects.filter(Q(from_party_id__in=ids) | Q(to_party_id__in=ids)),
        ["note"],
        needles,
    )
    hits = Hit.objects.filter(party_id__in=ids)
    other += hits.exclude(matched_name="").update(matched_name=rules.ERASED_TEXT)
    other += _update_json(Hit, hits, ["explanation", "reason"], needles)
    other += _update_json(
        DuplicateCandidate,
        DuplicateCandidate.objects.filter(Q(party_a_id__in=ids) | Q(party_b_id__in=ids)),
        ["evidence"],
        needles,
    )
    other += _update_json(
        NotDuplicate,
        NotDuplicate.objects.filter(Q(party_a_id__in=ids) | Q(party_b_id__in=ids)),
        ["note"],
        needles,
    )
    other += _update_json(
        MergeRecord,
        MergeRecord.objects.filter(Q(source_id__in=ids) | Q(survivor_id__in=ids)),
        ["values", "survivor_before", "source_before", "report", "note"],
        needles,
        keys,
    )
    runs = ImportRun.objects.none()
    for n in needles:
        runs = runs | ImportRun.objects.filter(report__icontains=n)
    other += _update_json(ImportRun, runs.distinct(), ["report"], needles)
    other += _update_json(Consent, Consent.objects.filter(party_id__in=ids), ["source"], needles)
    other += _update_json(
        LegalHold, LegalHold.objects.filter(party_id__in=ids), ["reason"], needles
    )
    party_type = ContentType.objects.get_for_model(Party)
    other += _update_json(
        LogEntry,
        LogEntry.objects.filter(content_type=party_type, object_id__in=str_ids),
        ["object_repr", "change_message"],
        needles,
    )
    # 5. The ERP keys, so that a re-import does not bring the person back silently.
    for p in members:
        if p.erp_source and p.erp_id:
            ErasedKey.objects.update_or_create(
                erp_source=p.erp_source,
                erp_id=p.erp_id,
                defaults={"party_id": p.pk, "released_at": None},
            )
    plan.other_rows = other
    # The organisation's history says why its activity lost its text (the person's own
    # history has the erasure's record below).
    note = str(Article(article).label)
    for a in activities:
        if a.party_id not in ids:
            a.subject, a.text = rules.ERASED_TEXT, ""
            audit.record(
                actor=actor,
                action="activity.update",
                obj=a,
                after=dict(activity_keys),
                party_id=a.party_id,
                note=note,
            )
    for p in members:
        audit.record(
            actor=actor,
            action="privacy.erase",
            obj=p,
            party_id=p.pk,
            note=str(Article(article).label),
        )
        log(actor=actor, party_id=p.pk, action=PrivacyAction.ERASE, article=article, reason=reason)
    return plan


# --- holds and erased keys ------------------------------------------------------------------


@transaction.atomic
def do_set_hold(party: Party, *, actor: Any, until: dt.date | None, reason: str) -> LegalHold:
    """Keep the party's data until ``until`` (erasure and retention refuse it meanwhile)."""
    errors = {}
    if message := rules.hold_until_error(until, timezone.localdate()):
        errors["until"] = message
    if message := rules.reason_error(reason):
        errors["reason"] = message
    if errors:
        raise ValidationError(errors)
    assert until is not None
    user = actor if getattr(actor, "is_authenticated", False) else None
    hold = LegalHold.objects.create(party=party, until=until, reason=reason, created_by=user)
    audit.record(actor=actor, action="privacy.hold", obj=hold, party_id=party.pk,
                 after={"until": until.isoformat()})  # fmt: skip
    log(
        actor=actor,
        party_id=party.pk,
        action=PrivacyAction.HOLD,
        article=Article.RESTRICTION,
        reason=reason,
    )
    return hold


@transaction.atomic
def do_lift_hold(party: Party, *, actor: Any, reason: str) -> int:
    """Lift every hold of the party on purpose; returns how many."""
    if message := rules.reason_error(reason):
        raise ValidationError({"reason": message})
    user = actor if getattr(actor, "is_authenticated", False) else None
    n = LegalHold.objects.filter(party=party, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=user
    )
    if n:
        audit.record(
            actor=actor, action="privacy.lift", object_type="privacy.legalhold", party_id=party.pk
        )
        log(
            actor=actor,
            party_id=party.pk,
            action=PrivacyAction.LIFT,
            article=Article.RESTRICTION,
            reason=reason,
        )
    return n


@transaction.atomic
def do_release_erased_key(party: Party, *, actor: Any, reason: str) -> list[str]:
    """Let the ERP send the erased party's keys again (on purpose); returns the keys."""
    if message := rules.reason_error(reason):
        raise ValidationError({"reason": message})
    keys = list(
        ErasedKey.objects.filter(party_id__in=selectors.family_ids(party), released_at__isnull=True)
    )
    if not keys:
        raise ValidationError(rules.no_erased_key_error())
    ErasedKey.objects.filter(pk__in=[k.pk for k in keys]).update(released_at=timezone.now())
    log(
        actor=actor,
        party_id=party.pk,
        action=PrivacyAction.RELEASE_KEY,
        article=Article.ERASURE,
        reason=reason,
    )
    return [str(k) for k in keys]


# --- access export (Art. 15) ---------------------------------------------------------------


@transaction.atomic
def do_export_party(party: Party, *, actor: Any, reason: str = "") -> dict[str, Any]:
    """The access export of a data subject handed out (Art. 15: the JSON download, the API,
    the command), logged once: "Data exported". Looking at the printable page first
    (``selectors.access_document``) hands nothing out and is not logged."""
    document = selectors.access_document(party)
    log(
        actor=actor,
        party_id=party.pk,
        action=PrivacyAction.EXPORT,
        article=Article.ACCESS,
        reason=reason,
    )
    return document


# --- consents and objections (Art. 21, § 7 UWG) ----------------------------------------------


@transaction.atomic
def do_record_consent(
    party: Party, *, actor: Any, channel: str, purpose: str, status: str,
    date: dt.date | str | None = None, source: str = "",
) -> Consent:  # fmt: skip
    """Record what the person said about one channel and purpose; the latest is in force."""
    consent = Consent(
        party=party,
        channel=channel,
        purpose=purpose,
        status=status,
        date=date or timezone.localdate(),
        source=source,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    errors = {}
    if message := rules.not_a_data_subject_error(party.kind, party.sole_trader):
        errors["party"] = [message]
    try:
        consent.full_clean(exclude=["party", "recorded_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    consent.save()
    audit.record(
        actor=actor,
        action="privacy.consent",
        obj=consent,
        party_id=party.pk,
        after={
            "channel": channel,
            "purpose": purpose,
            "status": status,
            "date": consent.date.isoformat(),
            "source": source,
        },
    )
    return consent


# --- retention -----------------------------------------------------------------------------


RETENTION_CHUNK = 200


@dataclass
class RetentionResult:
    due: list[selectors.Due]
    held: set[int]
    erased: list[int]
    refused: dict[int, str]

    @property
    def due_count(self) -> int:
        """Parties due under any rule, each once."""
        return len({i for d in self.due for i in d.party_ids})

    @property
    def to_erase(self) -> int:
        """Parties an application would erase: those due, without the held ones."""
        return self.due_count - len(self.held)


def do_retention(
    *, actor: Any, apply: bool = False, today: dt.date | None = None,
    run: RetentionRun | None = None,
) -> RetentionResult:  # fmt: skip
    """What the retention rules find due (dry run), and with ``apply`` its erasure through
    ``do_erase_party`` (in transactions of RETENTION_CHUNK parties, each erasure in its own
    savepoint: a refusal leaves the others). The command and the retention page's background
    job (``privacy.tasks``, with ``run``: its progress after each transaction) both call it."""
    # The command does not erase beside a run the page started (nor the page beside the
    # command's: do_start_retention refuses while a run is open, and the command has none).
    if (apply and run is None) and (
        message := rules.retention_running_error(selectors.open_retention_run() is not None)
    ):
        raise ValidationError(message)
    due = selectors.retention_due(today)
    all_ids = sorted({i for d in due for i in d.party_ids})
    held = selectors.held_ids(all_ids, today)
    erased: list[int] = []
    refused: dict[int, str] = {}
    if apply:
        pending: list[tuple[int, str]] = []
        seen: set[int] = set()
        for d in due:
            for pid in d.party_ids:
                if pid not in held and pid not in seen:
                    seen.add(pid)
                    pending.append((pid, d.rule.description))
        if run is not None:
            run.total, run.held = len(pending), len(held)
            run.save(update_fields=["total", "held"])
        # One transaction per RETENTION_CHUNK parties (a commit per party cost more than the
        # erasure under load); each erasure in its own savepoint, so a refusal leaves the rest.
        for start in range(0, len(pending), RETENTION_CHUNK):
            with transaction.atomic():
                for pid, reason in pending[start : start + RETENTION_CHUNK]:
                    try:
                        do_erase_party(
                            Party.objects.get(pk=pid),
                            actor=actor,
                            reason=reason,
                            article=Article.RETENTION,
                        )
                        erased.append(pid)
                    except ValidationError as exc:
                        refused[pid] = " ".join(exc.messages)
            if run is not None:
                run.done = min(start + RETENTION_CHUNK, len(pending))
                run.erased, run.refused = len(erased), len(refused)
                run.save(update_fields=["done", "erased", "refused"])
        with transaction.atomic():
            log(actor=actor, party_id=None, action=PrivacyAction.RETENTION, article=Article.RETENTION,
                reason=f"{len(erased)} erased, {len(held)} held")  # fmt: skip
            if run is not None:
                run.status, run.finished_at = RetentionStatus.DONE, timezone.now()
                # The page lists the refusals; the first REFUSALS_KEPT say enough.
                run.refusals = {str(k): v for k, v in list(refused.items())[:REFUSALS_KEPT]}
                run.save(update_fields=["status", "finished_at", "refusals"])
                audit.record(actor=actor, action="privacy.retention_done", obj=run,
                             after={"erased": len(erased), "held": len(held),
                                    "refused": len(refused)})  # fmt: skip
    return RetentionResult(due, held, erased, refused)


REFUSALS_KEPT = 100
# The advisory lock's key ("RT") under which one retention run at a time is started.
RETENTION_LOCK = 0x5254


def do_start_retention(*, actor: Any) -> RetentionRun:
    """Start applying the retention rules in the background (the retention page's button):
    a ``RetentionRun`` row the page shows the progress of, and the job that runs
    ``do_retention(apply=True)`` for it. Refused while another run is open."""
    from verbund.privacy.tasks import apply_retention_task

    with transaction.atomic():
        # No row stands for "no run open" to lock: two clicks would both find none.
        transaction_lock(RETENTION_LOCK)
        if message := rules.retention_running_error(selectors.open_retention_run() is not None):
            raise ValidationError(message)
        user = actor if getattr(actor, "is_authenticated", False) else None
        run = RetentionRun.objects.create(created_by=user)
        audit.record(actor=actor, action="privacy.retention_start", obj=run)
    result = apply_retention_task.enqueue(run.pk)
    if result.errors:
        # The immediate backend (tests, VERBUND_TASKS_IMMEDIATE) swallows exceptions: keep them
        # on the run, as the screening's start does.
        RetentionRun.objects.filter(pk=run.pk, status__in=RETENTION_OPEN).update(
            status=RetentionStatus.FAILED, error=result.errors[-1].traceback[-2000:],
            finished_at=timezone.now(),
        )  # fmt: skip
    run.refresh_from_db()
    return run


CONSENT_COLUMNS = ("party", "channel", "purpose", "status", "date", "source")


@transaction.atomic
def do_import_consents(rows: list[dict[str, str]], *, actor: Any) -> int:
    """Record consents and objections from rows (``CONSENT_COLUMNS``; ``party`` is an id,
    number or ERP key), all or nothing: a bad row raises a ValidationError naming each row and
    field. Returns how many were recorded."""
    from verbund.parties.selectors import find_party

    errors: list[str] = []
    n = 0
    for i, row in enumerate(rows, start=2):
        try:
            party = find_party(row.get("party", ""), "party")
            with transaction.atomic():
                do_record_consent(
                    party, actor=actor, channel=row.get("channel", ""),
                    purpose=row.get("purpose", ""), status=row.get("status", ""),
                    date=row.get("date") or None, source=row.get("source", ""),
                )  # fmt: skip
            n += 1
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors += [
                    _("Row %(row)s, %(field)s: %(message)s")
                    % {"row": i, "field": field, "message": m}
                    for m in messages
                ]
    if errors:
        raise ValidationError(errors)
    return n
