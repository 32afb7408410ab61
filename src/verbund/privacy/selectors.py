"""Reads of the privacy app: the access export (Art. 15), holds, consents in force, what an
erasure would change, what retention finds due, and the advertising selection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from verbund.activities.models import Activity
from verbund.compliance.models import Hit
from verbund.compliance.selectors import blocked_party_ids, without_blocked
from verbund.core.audit import snapshot
from verbund.core.formatting import user_name
from verbund.core.models import AuditRecord
from verbund.core.paging import COUNT_CAP, bounded_count
from verbund.followups import selectors as followups
from verbund.interfaces.models import ImportRun
from verbund.parties.models import ErasedKey, Party, PartyKind, display_name_of
from verbund.privacy import rules
from verbund.privacy.models import (
    RETENTION_OPEN,
    Channel,
    Consent,
    ConsentStatus,
    LegalHold,
    PrivacyAction,
    PrivacyLog,
    Purpose,
    RetentionRun,
)
from verbund.relationships.models import Relationship
from verbund.revenue.models import RevenueMonth

EXPORT_VERSION = 1


def family_ids(party: Party) -> list[int]:
    """The party and every record merged into it (directly or through others): one person."""
    ids, pending = [party.pk], [party.pk]
    while pending:
        pending = list(
            Party.objects.filter(merged_into_id__in=pending).values_list("pk", flat=True)
        )
        ids += [i for i in pending if i not in ids]
    return ids


def is_erased(party_id: int) -> bool:
    return PrivacyLog.objects.filter(action=PrivacyAction.ERASE, party_id=party_id).exists()


def erased_ids() -> QuerySet[PrivacyLog, int | None]:
    return PrivacyLog.objects.filter(action=PrivacyAction.ERASE).values_list("party_id", flat=True)


@dataclass(frozen=True)
class NamedParty:
    """A party as the privacy log names it."""

    id: int
    name: str
    number: str
    erased: bool


def named_parties(party_ids: Iterable[int | None]) -> dict[int, NamedParty]:
    """The parties of a page of the privacy log by id, in one query: the name the file shows,
    and for an erased party the placeholder its erasure wrote (``rules.erased_name``), also
    should its row have been given another name since. Ids of no party are left out."""
    ids = sorted({i for i in party_ids if i})
    if not ids:
        return {}
    erased = PrivacyLog.objects.filter(action=PrivacyAction.ERASE, party_id=OuterRef("pk"))
    rows = (
        Party.objects.filter(pk__in=ids)
        .only("id", "kind", "name", "title", "first_name", "last_name", "number")
        .annotate(erased=Exists(erased))
    )
    return {
        p.pk: NamedParty(
            p.pk, rules.erased_name(p.number) if p.erased else p.display_name, p.number, p.erased
        )
        for p in rows
    }


def active_hold(party_ids: Iterable[int], today: dt.date | None = None) -> LegalHold | None:
    today = today or timezone.localdate()
    return (
        LegalHold.objects.filter(
            party_id__in=list(party_ids), lifted_at__isnull=True, until__gte=today
        )
        .order_by("-until")
        .first()
    )


def holding_hits(party_ids: Iterable[int]) -> int:
    return Hit.objects.filter(
        party_id__in=list(party_ids), status__in=rules.HOLDING_HIT_STATUSES
    ).count()


def hold_message(party_ids: list[int], today: dt.date | None = None) -> str | None:
    """Why the parties' data must be kept now, or None (``rules.hold_error``)."""
    hold = active_hold(party_ids, today)
    return rules.hold_error(
        holding_hits(party_ids),
        hold.until if hold else None,
        hold.reason if hold else "",
    )


# --- consents ------------------------------------------------------------------------------


def current_consents(party_id: int) -> list[Consent]:
    """The statement in force per channel and purpose (the latest by date, then id)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for c in Consent.objects.filter(party_id=party_id).order_by("-date", "-id"):
        if (c.channel, c.purpose) not in seen:
            seen.add((c.channel, c.purpose))
            out.append(c)
    return sorted(out, key=lambda c: (c.purpose, c.channel))


def objected_party_ids(channel: str | None = None) -> set[int]:
    """Parties who may not get advertising (on ``channel``): an objection to advertising in
    force on any channel (Art. 21(3) GDPR: no direct marketing at all), or a consent withdrawn
    on this channel."""
    latest: dict[tuple[int, str, str], str] = {}
    rows = Consent.objects.filter(purpose=Purpose.ADVERTISING).order_by("date", "id")
    for party_id, ch, purpose, status in rows.values_list(
        "party_id", "channel", "purpose", "status"
    ):
        latest[(party_id, ch, purpose)] = status
    out = set()
    for (party_id, ch, _purpose), status in latest.items():
        if status == ConsentStatus.OBJECTED or (
            status == ConsentStatus.WITHDRAWN and channel is not None and ch == channel
        ):
            out.add(party_id)
    return out


# The columns the advertising export writes (``Selection.rows``), and what names a party
# (``display_name_of``'s arguments, in its order).
ROW_FIELDS = ("number", "street", "postcode", "city", "country", "email", "phone")
NAME_FIELDS = ("kind", "name", "title", "first_name", "last_name")
ROW_CHUNK = 5000
ID_CHUNK = 5000


def reachable_q(channel: str | None) -> Q:
    """Reachable on ``channel``: every field ``rules.REACH_FIELDS`` names for it filled (no
    condition without a channel)."""
    q = Q()
    for name in rules.REACH_FIELDS.get(channel or "", ()):
        q &= ~Q(**{name: ""})
    return q


@dataclass
class Selection:
    """An advertising selection on ``channel``: ``total`` parties chosen (more than that when
    ``capped``: the count stops at ``core.paging``'s cap or time budget), ``parties`` the first
    ``limit`` of them by id; ``rows()`` streams every chosen one.

    Left out, each party once, for the first reason that applies: ``left_out`` objected to
    advertising (or withdrew consent on the channel); ``blocked`` are blocked by compliance (a
    confirmed sanctions hit, or owned by blocked parties); ``unreachable`` have no address on the channel
    (``rules.REACH_FIELDS``), more than that when ``unreachable_capped`` (bounded like the
    total; ``exact_unreachable()`` counts them all, for the export's last line)."""

    base: QuerySet[Party]
    objected: set[int]
    total: int
    capped: bool
    left_out: int
    parties: list[Party]
    channel: str | None = None
    blocked: int = 0
    unreachable: int = 0
    unreachable_capped: bool = False
    unreachable_rows: QuerySet[Party] | None = None
    objected_unreachable: int = 0

    @property
    def channel_label(self) -> str:
        return str(dict(Channel.choices).get(self.channel or "", ""))

    @property
    def unreachable_label(self) -> str:
        return str(rules.UNREACHABLE_LABELS.get(self.channel or "", ""))

    def exact_unreachable(self) -> int:
        if self.unreachable_rows is None:
            return 0
        return self.unreachable_rows.count() - self.objected_unreachable

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Every chosen party by id as (number, name, street, postcode, city, country, e-mail,
        phone): one query (live, not blocked, reachable on the channel: all in its ``WHERE``),
        read as values from a server-side cursor on PostgreSQL (a chunked fetch on SQLite), in
        ``ROW_CHUNK`` rows at a time, so memory stays flat at any size; the few who objected
        are skipped as they come."""
        objected = self.objected
        columns = self.base.order_by("id").values_list("id", *NAME_FIELDS, *ROW_FIELDS)
        n = len(NAME_FIELDS) + 1
        for row in columns.iterator(chunk_size=ROW_CHUNK):
            if row[0] not in objected:
                yield (row[n], display_name_of(*row[1:n]), *row[n + 1 :])


def advertising_selection(
    parties: QuerySet[Party], channel: str | None = None, limit: int = 20, count: bool = True
) -> Selection:
    """``parties`` for an advertising mailing on ``channel``: without everyone who objected,
    everyone compliance blocks and everyone the channel cannot reach (``Selection`` says how
    many each left out). Archived, merged and erased parties never count. ``count=False`` (the
    export, which streams them all) neither counts the chosen nor those out of reach, nor
    reads a sample: ``total`` and ``unreachable`` are 0 and ``parties`` empty then.

    The counts of the chosen and of those out of reach are ``core.paging.bounded_count``'s
    (decision 0039): exact up to ``COUNT_CAP`` within ``COUNT_BUDGET_S``, beyond that capped
    with what they know (a whole-table ``COUNT(*)`` took 0.25 s at a million parties on
    PostgreSQL). The objectors and the blocked are few: their ids come from two small queries,
    and they are counted exactly, read by id in one query per ``ID_CHUNK``."""
    live = parties.filter(archived=False, merged_into__isnull=True).exclude(pk__in=erased_ids())
    open_ = without_blocked(live)
    reach = reachable_q(channel)
    reaches = bool(rules.REACH_FIELDS.get(channel or ""))
    chosen = open_.filter(reach)
    unreachable_rows = open_.exclude(reach) if reaches else None
    objected, blocked_now = objected_party_ids(channel), blocked_party_ids()
    # The few who objected or are blocked, as far as they are live, with whether the channel
    # reaches them: one query per ID_CHUNK of them. Each counts once, for the first reason.
    left_out = blocked = objected_blocked = objected_unreachable = 0
    few = sorted(objected | blocked_now)
    flag = Case(When(reach, then=Value(True)), default=Value(False)) if reaches else Value(True)
    for i in range(0, len(few), ID_CHUNK):
        rows = live.filter(pk__in=few[i : i + ID_CHUNK]).annotate(reached=flag)
        for pk, reached in rows.values_list("pk", "reached"):
            if pk not in objected:
                blocked += 1
                continue
            left_out += 1
            if pk in blocked_now:
                objected_blocked += 1
            elif not reached:
                objected_unreachable += 1
    out = Selection(
        chosen, objected, 0, False, left_out, [], channel, blocked,
        unreachable_rows=unreachable_rows, objected_unreachable=objected_unreachable,
    )  # fmt: skip
    if not count:
        return out
    if unreachable_rows is not None:
        cap = COUNT_CAP + objected_unreachable
        counted, capped = bounded_count(unreachable_rows, cap=cap)
        out.unreachable_capped = capped
        out.unreachable = (
            COUNT_CAP if capped and counted >= cap else max(counted - objected_unreachable, 0)
        )
    first, complete = _sample(chosen, objected, limit)
    if complete:  # every chosen party is in hand: no count
        out.total, out.parties = len(first), first[:limit]
        return out
    objected_chosen = left_out - objected_blocked - objected_unreachable
    cap = COUNT_CAP + objected_chosen
    counted, capped = bounded_count(chosen, cap=cap)
    # Past the cap more than COUNT_CAP are chosen; out of time, at least those counted so far
    # (SQLite says how far it got, PostgreSQL nothing) and those shown.
    out.total = max(
        COUNT_CAP if capped and counted >= cap else counted - objected_chosen, len(first)
    )
    out.capped, out.parties = capped, first
    return out


def _sample(chosen: QuerySet[Party], objected: set[int], limit: int) -> tuple[list[Party], bool]:
    """The first ``limit`` chosen parties by id, the objectors skipped, and whether that is all
    of them (then nothing needs counting). Read in batches along the primary key, each twice
    the last: one query unless objectors crowd the first ids."""
    first: list[Party] = []
    after, step = 0, 2 * limit + 1
    while True:
        batch = list(chosen.filter(pk__gt=after).order_by("id")[:step])
        first += [p for p in batch if p.pk not in objected]
        if len(batch) < step:
            return first, True
        if len(first) > limit:
            return first[:limit], False
        after, step = batch[-1].pk, step * 2


# --- access export (Art. 15) ---------------------------------------------------------------


def _party_fields(party: Party) -> dict[str, Any]:
    data = snapshot(party, exclude=("search_text", "phonetic"))
    data["tags"] = sorted(party.tags.values_list("name", flat=True))
    return data


def access_document(party: Party) -> dict[str, Any]:
    """The access export of a data subject (``export_document``); ValidationError for a party
    that is none. A read: handing it out is ``actions.do_export_party``, which logs it."""
    message = rules.not_a_data_subject_error(party.kind, party.sole_trader)
    if message:
        raise ValidationError(message)
    return export_document(party)


def export_document(party: Party) -> dict[str, Any]:
    """Everything held about the person, with where each came from (source, external key)."""
    ids = family_ids(party)
    members = list(
        Party.objects.filter(pk__in=ids)
        .select_related("organisation", "responsible")
        .order_by("pk")
    )
    party = next(p for p in members if p.pk == party.pk)  # as stored now
    rels = (
        Relationship.objects.filter(Q(from_party_id__in=ids) | Q(to_party_id__in=ids))
        .select_related("type", "from_party", "to_party")
        .order_by("pk")
    )
    records = list(
        AuditRecord.objects.filter(
            Q(party_id__in=ids)
            | Q(object_type="parties.party", object_id__in=[str(i) for i in ids])
        ).order_by("at", "id")
    )
    run_ids = {
        int(r.object_id)
        for r in records
        if r.object_type == "interfaces.importrun" and r.object_id.isdigit()
    }
    runs = ImportRun.objects.filter(pk__in=run_ids).order_by("pk")
    revenue = RevenueMonth.objects.filter(party_id__in=ids).order_by("month", "pk")
    return {
        "format": "verbund-privacy-export",
        "version": EXPORT_VERSION,
        "created_at": timezone.now().isoformat(),
        "party": party.pk,
        "data_subject": party.kind == PartyKind.PERSON or party.sole_trader,
        "records": [
            {
                **_party_fields(p),
                "source": p.erp_source or "manual",
                "external_key": p.erp_key,
                "merged_into": p.merged_into_id,
            }
            for p in members
        ],
        "contact_details": [
            {
                "party": p.pk,
                "phone": p.phone,
                "email": p.email,
                "website": p.website,
                "street": p.street,
                "postcode": p.postcode,
                "city": p.city,
                "country": p.country,
            }
            for p in members
        ],
        # Named as the pages name a party (the records hold the ids).
        "organisation": (
            {
                "id": party.organisation_id,
                "number": party.organisation.number,
                "name": party.organisation.display_name,
            }
            if party.organisation_id and party.organisation
            else None
        ),
        "responsible": (
            {"id": party.responsible_id, "name": user_name(party.responsible)}
            if party.responsible_id and party.responsible
            else None
        ),
        "relationships": [
            {
                "id": r.pk,
                "type": r.type.key,
                "from": {"id": r.from_party_id, "name": r.from_party.display_name},
                "to": {"id": r.to_party_id, "name": r.to_party.display_name},
                "valid_from": r.valid_from.isoformat() if r.valid_from else None,
                "valid_to": r.valid_to.isoformat() if r.valid_to else None,
                "share": str(r.share) if r.share is not None else None,
                "note": r.note,
                "source": r.source,
                "external_key": r.external_ref,
            }
            for r in rels
        ],
        # The person's own activities, and those of organisations naming them as the contact
        # person ("at": the organisation, as the pages name it; None on the person's own file).
        "activities": [
            {
                "id": a.pk,
                "party": a.party_id,
                "at": (
                    None
                    if a.party_id in ids
                    else {"id": a.party_id, "number": a.party.number, "name": a.party.display_name}
                ),
                "kind": a.kind,
                "date": a.happened_at.isoformat(),
                "subject": a.subject,
                "text": a.text,
                "source": "manual",
            }
            for a in subject_activities(ids).select_related("party").order_by("happened_at", "pk")
        ],
        # The follow-ups filed under the person (decision 0063): what the company means to
        # come back to them about. Who is assigned is staff data, not the person's.
        "follow_ups": [
            {
                "id": f.pk,
                "party": f.party_id,
                "due_on": f.due_on.isoformat(),
                "subject": f.subject,
                "note": f.note,
                "done": f.done_at is not None,
                "done_at": f.done_at.isoformat() if f.done_at else None,
            }
            for f in followups.of_parties(ids)
        ],
        "consents": [
            _consent(c)
            for c in Consent.objects.filter(party_id__in=ids)
            .exclude(status=ConsentStatus.OBJECTED)
            .order_by("date", "pk")
        ],
        "objections": [
            _consent(c)
            for c in Consent.objects.filter(
                party_id__in=ids, status=ConsentStatus.OBJECTED
            ).order_by("date", "pk")
        ],
        "screening_hits": [
            {
                "id": h.pk,
                "list": h.list.key,
                "entry_id": h.entry_external_id,
                "listed_name": h.entry_name,
                "matched_name": h.matched_name,
                "score": h.score,
                "status": h.status,
                "reason": h.reason,
                "created_at": h.created_at.isoformat(),
                "source": f"sanctions list {h.list.key}",
            }
            for h in Hit.objects.filter(party_id__in=ids).select_related("list").order_by("pk")
        ],
        "legal_holds": [
            {
                "until": h.until.isoformat(),
                "reason": h.reason,
                "set_at": h.created_at.isoformat(),
                "lifted_at": h.lifted_at.isoformat() if h.lifted_at else None,
            }
            for h in LegalHold.objects.filter(party_id__in=ids).order_by("pk")
        ],
        "revenue_months": [
            {
                "month": m.month.isoformat(),
                "amount_cents": m.amount_cents,
                "currency": m.currency,
                "source": m.source,
            }
            for m in revenue
        ],
        "audit": [
            {
                "at": r.at.isoformat(),
                "action": r.action,
                "object_type": r.object_type,
                "object_id": r.object_id,
                "object": r.object_repr,
                "before": r.before,
                "after": r.after,
                "note": r.note,
                "by": r.actor_id,
            }
            for r in records
        ],
        "import_runs": [
            {
                "id": run.pk,
                "kind": run.kind,
                "source": run.source,
                "file_name": run.file_name,
                "channel": run.channel,
                "created_at": run.created_at.isoformat(),
                "status": run.status,
            }
            for run in runs
        ],
        "erased_keys": [
            {
                "key": f"{k.erp_source}:{k.erp_id}",
                "erased_at": k.erased_at.isoformat(),
                "released_at": k.released_at.isoformat() if k.released_at else None,
            }
            for k in ErasedKey.objects.filter(party_id__in=ids)
        ],
    }


def subject_activities(ids: list[int]) -> QuerySet[Activity]:
    """The activities about the person ``ids`` (the person and the records merged into it):
    filed under them, or naming them as the contact person on an organisation's file. The
    export lists them, the erasure scrubs them."""
    return Activity.objects.filter(Q(party_id__in=ids) | Q(contact_id__in=ids))


def related_names(records: list[dict[str, Any]]) -> dict[tuple[str, Any], str]:
    """The names of what the export's records point to, for the printable page, in one query
    per kind: ``("organisation", id)`` as the pages name a party, "Aeon Holding GmbH
    (100272)"; ``("responsible", id)`` the user's name."""
    from django.contrib.auth import get_user_model

    orgs = {r["organisation_id"] for r in records if r.get("organisation_id")}
    users = {r["responsible_id"] for r in records if r.get("responsible_id")}
    names: dict[tuple[str, Any], str] = {}
    for p in Party.objects.filter(pk__in=orgs).only(
        "id", "kind", "name", "title", "first_name", "last_name", "number"
    ):
        names[("organisation", p.pk)] = str(p)
    for u in get_user_model().objects.filter(pk__in=users):
        names[("responsible", u.pk)] = user_name(u)
    return names


def _consent(c: Consent) -> dict[str, Any]:
    return {
        "channel": c.channel, "purpose": c.purpose, "status": c.status,
        "date": c.date.isoformat(), "source": c.source,
    }  # fmt: skip


# --- retention -----------------------------------------------------------------------------


@dataclass
class Due:
    rule: rules.RetentionRule
    cutoff: dt.date
    party_ids: list[int] = field(default_factory=list)


def retention_due(today: dt.date | None = None) -> list[Due]:
    """Per rule, the data subjects whose retention period is over (erased, merged and held
    ones left out: a held one is listed by ``held`` once its hold ends)."""
    today = today or timezone.localdate()
    out = []
    erased = erased_ids()
    for rule in rules.retention_rules():
        cutoff = rules.retention_cutoff(today, rule.years)
        moment = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
        subjects = Party.objects.filter(
            Q(kind=PartyKind.PERSON) | Q(sole_trader=True), merged_into__isnull=True
        ).exclude(pk__in=erased)
        if rule.key == "archived_contacts":
            # Archived since before the cutoff: archiving sets updated_at, and a later change
            # postpones the date (never earlier than the rule says). Two arms of a UNION, each
            # from an index (updated_at, then the contacts by organisation): as one OR over a
            # join the planner read every person and looked up its organisation (0.86 s at a
            # million parties, PostgreSQL).
            persons = subjects.filter(kind=PartyKind.PERSON).order_by().values_list("pk", flat=True)
            archived = Party.objects.filter(archived=True, updated_at__lt=moment)
            ids = persons.filter(archived=True, updated_at__lt=moment).union(
                persons.filter(organisation__in=archived.values("pk"))
            )
        else:
            # Activity is an activity filed under the person, or one of an organisation that
            # names them as the contact person: who was spoken to recently is not inactive.
            # Nor is who a follow-up plans to contact, or one done recently (decision 0063).
            recent = Activity.objects.filter(happened_at__gte=moment)
            ids = (
                subjects.filter(created_at__lt=moment, updated_at__lt=moment)
                .exclude(pk__in=recent.values("party_id"))
                .exclude(pk__in=recent.filter(contact__isnull=False).values("contact_id"))
                .exclude(pk__in=followups.planned_or_done_since(moment).values("party_id"))
                .values_list("pk", flat=True)
            )
        out.append(Due(rule, cutoff, sorted(ids)))
    return out


def held_ids(party_ids: list[int], today: dt.date | None = None) -> set[int]:
    """Of ``party_ids``, those under a legal hold now (hit or date)."""
    today = today or timezone.localdate()
    held: set[int] = set()
    for chunk_start in range(0, len(party_ids), 5000):
        chunk = party_ids[chunk_start : chunk_start + 5000]
        held |= set(
            Hit.objects.filter(
                party_id__in=chunk, status__in=rules.HOLDING_HIT_STATUSES
            ).values_list("party_id", flat=True)
        )
        held |= set(
            LegalHold.objects.filter(
                party_id__in=chunk, lifted_at__isnull=True, until__gte=today
            ).values_list("party_id", flat=True)
        )
    return held


def open_retention_run() -> RetentionRun | None:
    """The retention run that is queued or running, if any: at most one is (``do_start_retention``
    refuses a second under a lock), so the pages, the command and the start all ask this."""
    return (
        RetentionRun.objects.filter(status__in=RETENTION_OPEN).select_related("created_by").first()
    )
