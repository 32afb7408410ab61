"""The access export (Art. 15 GDPR) as people read it: the checking page's view of the JSON
document, and the printable letter that answers the request (German or English, as the page's
language): the controller, the date, the data subject, the data in sections with labels and
dates instead of keys, and the information Art. 15(1) and (3) require."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from verbund.activities.models import ActivityKind
from verbund.compliance.models import HitStatus, SanctionsList
from verbund.core import audit
from verbund.core.countries import country_name
from verbund.core.models import AuditRecord
from verbund.parties.models import Party
from verbund.privacy import rules, selectors
from verbund.privacy.models import Channel, ConsentStatus, Purpose
from verbund.relationships.models import RelationshipType


def export_context(party: Party, document: dict[str, Any]) -> dict[str, Any]:
    """The printable page's view of the export: field labels instead of keys, the history as
    the file shows it."""
    records = []
    names = selectors.related_names(document["records"])
    for rec in document["records"]:
        rows = []
        for name, value in rec.items():
            try:
                field = Party._meta.get_field(name.removesuffix("_id"))
            except FieldDoesNotExist:
                continue
            if not isinstance(field, models.Field):
                continue
            if value not in (None, "", []) and field.name not in ("id", "merged_into"):
                label = str(field.verbose_name)
                if field.many_to_one:  # a party or a user by name, not by its id
                    shown = names.get((field.name, value)) or str(value)
                elif field.name == "country":  # "Deutschland", not "DE"
                    shown = country_name(value)
                else:
                    shown = audit.show_value(
                        value, field if field.choices or not field.is_relation else None, {}
                    )
                rows.append((label[:1].upper() + label[1:], shown))
        records.append(rows)
    ids = [r["id"] for r in document["records"]]
    history = list(
        AuditRecord.objects.filter(party_id__in=ids).select_related("actor").order_by("at", "id")
    )
    audit.present_history(history)
    channels, purposes = dict(Channel.choices), dict(Purpose.choices)
    statuses = dict(ConsentStatus.choices)
    consents = [
        (c["date"], channels.get(c["channel"]), purposes.get(c["purpose"]),
         statuses.get(c["status"]), c["source"])
        for c in document["consents"] + document["objections"]
    ]  # fmt: skip
    # The day a follow-up was done where the reader is (the document's time is UTC).
    follow_ups = [
        {**f, "done_on": timezone.localtime(dt.datetime.fromisoformat(f["done_at"])).date()
         if f["done_at"] else None}
        for f in document["follow_ups"]
    ]  # fmt: skip
    return {
        "party": party, "doc": document, "records": records, "history": history,
        "consents": consents, "follow_ups": follow_ups,
    }  # fmt: skip


def controller() -> dict[str, Any]:
    """The controller as the settings give it (``VERBUND_PRIVACY_CONTROLLER``): name, address
    lines, contact, recipients; ``missing`` when no name is set."""
    given = getattr(settings, "VERBUND_PRIVACY_CONTROLLER", {}) or {}
    name = str(given.get("name", "")).strip()
    lines = [line.strip() for line in str(given.get("address", "")).split("|") if line.strip()]
    return {
        "name": name,
        "address": lines,
        "contact": str(given.get("contact", "")).strip(),
        "recipients": str(given.get("recipients", "")).strip(),
        "missing": not name,
    }


def letter_context(party: Party, document: dict[str, Any], reference: str = "") -> dict[str, Any]:
    """The letter: everything of ``export_context`` plus the sections the JSON has beyond it,
    each with labels instead of keys, and the wording of Art. 15(1)(a)-(h)."""
    context = export_context(party, document)
    activity_kinds = dict(ActivityKind.choices)
    keys = {r["type"] for r in document["relationships"]}
    types = {t.key: t.name for t in RelationshipType.objects.filter(key__in=keys)}
    list_keys = {h["list"] for h in document["screening_hits"]}
    lists = dict(SanctionsList.objects.filter(key__in=list_keys).values_list("key", "name"))
    hit_statuses = dict(HitStatus.choices)
    org = controller()
    sources = sorted({r["source"] for r in document["records"] if r["source"] != "manual"})
    return {
        **context,
        "controller": org,
        # The lists the names are screened against, by name: the letter says which, not "the EU's".
        "screening_lists": list(
            SanctionsList.objects.filter(active=True)
            .order_by("name")
            .values_list("name", flat=True)
        ),
        "today": timezone.localdate(),
        "reference": reference,
        "recipient": _recipient(party),
        "relationships": [
            {**r, "type_name": types.get(r["type"], r["type"])} for r in document["relationships"]
        ],
        "activities": [
            {**a, "kind_name": activity_kinds.get(a["kind"], "")} for a in document["activities"]
        ],
        "in_force": [
            (
                c.date,
                Channel(c.channel).label,
                Purpose(c.purpose).label,
                ConsentStatus(c.status).label,
            )
            for c in selectors.current_consents(party.pk)
        ],
        "hits": [
            {
                **h,
                "list_name": lists.get(h["list"], h["list"]),
                "status_name": hit_statuses.get(h["status"], ""),
            }
            for h in document["screening_hits"]
        ],
        "revenue": [
            {**m, "month": dt.date.fromisoformat(m["month"][:10])}
            for m in document["revenue_months"]
        ],
        "holds": document["legal_holds"],
        "erased_keys": document["erased_keys"],
        "rules": rules.retention_rules(),
        "erp_sources": sources,
        "manual": any(r["source"] == "manual" for r in document["records"]),
    }


def _recipient(party: Party) -> list[str]:
    """The address block: the name, then street and postcode with city (the country when not
    Germany)."""
    lines = [party.display_name]
    if party.street:
        lines.append(party.street)
    place = " ".join(p for p in (party.postcode, party.city) if p)
    if place:
        lines.append(place)
    if party.country and party.country != "DE":
        lines.append(country_name(party.country))
    return lines
