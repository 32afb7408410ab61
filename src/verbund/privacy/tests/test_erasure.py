"""Erasure (Art. 17): nothing personal left anywhere, structure and totals unchanged, holds
refuse it, a re-import of the erased key is refused."""

import contextlib
import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from verbund.compliance.models import Hit, HitStatus
from verbund.core.models import AuditRecord
from verbund.parties.models import ErasedKey, Party
from verbund.privacy import rules
from verbund.privacy.actions import do_erase_party, do_lift_hold, do_release_erased_key, do_set_hold
from verbund.privacy.models import PrivacyLog
from verbund.privacy.tests.conftest import EMAIL, FIRST, LAST, NAME, PHONE, STREET
from verbund.relationships.models import Relationship
from verbund.revenue.periods import Period
from verbund.revenue.selectors import group_total, hierarchy_type

TEXT_TYPES = ("char", "text", "json", "clob", "varchar", "jsonb")


def every_text_value() -> list[tuple[str, str, str]]:
    """(table, column, text) for every text or JSON value of every table (JSON decoded and
    dumped again without escapes, so that a name with umlauts is found either way)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cursor, table)
                if any(
                    t in str(c.type_code).lower()
                    or t in connection.introspection.get_field_type(c.type_code, c).lower()
                    for t in TEXT_TYPES
                )
            ]
            for column in columns:
                cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
                for (value,) in cursor.fetchall():
                    text = value if isinstance(value, str) else json.dumps(value)
                    with contextlib.suppress(ValueError, TypeError):
                        text += " " + json.dumps(json.loads(text), ensure_ascii=False)
                    found.append((table, column, text))
    return found


def places_of(values: list[str]) -> list[str]:
    return sorted(
        {
            f"{table}.{column}: {v}"
            for table, column, text in every_text_value()
            for v in values
            if v.casefold() in text.casefold()
        }
    )


def test_the_world_holds_the_person_in_many_places(world: dict[str, Any]) -> None:
    places = places_of([NAME, EMAIL, PHONE, LAST, FIRST])
    tables = {p.split(".")[0] for p in places}
    assert {"parties_party", "core_auditrecord", "activities_activity", "interfaces_importrun",
            "compliance_hit", "relationships_relationship"} <= tables, places  # fmt: skip


def test_erasure_leaves_no_name_email_or_phone_in_any_text_column_of_any_table(
    world: dict[str, Any], make_user: Any
) -> None:
    officer = make_user("privacy")
    person = world["person"]
    do_erase_party(person, actor=officer, reason="Anfrage DS-2026-17")
    # The shop (another data subject, "Quastwitz Feinkost e.K.") keeps its own name.
    assert places_of([NAME, FIRST, EMAIL, PHONE, STREET, "1970-03-04"]) == []
    person.refresh_from_db()
    assert person.name == f"gelöschte Person #{person.number}"
    assert person.archived and person.birth_date is None
    assert person.erp_key == "erp:P1"
    entry = PrivacyLog.objects.get(action="erase", party_id=person.pk)
    assert (entry.actor, entry.article, entry.reason) == (officer, "art17", "Anfrage DS-2026-17")


def test_erasure_keeps_relationships_revenue_and_the_hierarchy(world: dict[str, Any]) -> None:
    shop, holding, person = world["shop"], world["holding"], world["person"]
    rtype = hierarchy_type("group")
    year = Period.year(2026)
    before = group_total(holding.pk, rtype, year)
    rels_before = sorted(
        Relationship.objects.values_list("type__key", "from_party_id", "to_party_id")
    )
    do_erase_party(shop, actor=None, reason="Einzelunternehmen aufgegeben")
    do_erase_party(person, actor=None, reason="Anfrage")
    assert group_total(holding.pk, rtype, year) == before == 200050
    assert (
        sorted(Relationship.objects.values_list("type__key", "from_party_id", "to_party_id"))
        == rels_before
    )
    shop.refresh_from_db()
    assert shop.name.startswith("gelöschte Person #") and shop.legal_form == "e.K."


def test_only_persons_and_sole_traders_are_erased(world: dict[str, Any]) -> None:
    with pytest.raises(
        ValidationError,
        match=re.escape(rules.not_a_data_subject_error("organisation", False) or ""),
    ):
        do_erase_party(world["holding"], actor=None, reason="x")


def test_an_open_or_confirmed_sanctions_hit_holds_the_erasure_back(world: dict[str, Any]) -> None:
    hit: Hit = world["hit"]
    for status in (HitStatus.OPEN, HitStatus.CONFIRMED):
        Hit.objects.filter(pk=hit.pk).update(status=status)
        with pytest.raises(ValidationError, match="Geldwäschegesetz"):
            do_erase_party(world["person"], actor=None, reason="Anfrage")
    assert Party.objects.get(pk=world["person"].pk).email == EMAIL


def test_a_hold_with_a_date_refuses_erasure_until_lifted(
    world: dict[str, Any], make_user: Any
) -> None:
    officer = make_user("privacy")
    person = world["person"]
    do_set_hold(
        person,
        actor=officer,
        until=dt.date.today() + dt.timedelta(days=30),
        reason="Rechtsstreit LG Köln",
    )
    with pytest.raises(ValidationError, match="Rechtsstreit LG Köln"):
        do_erase_party(person, actor=officer, reason="Anfrage")
    do_lift_hold(person, actor=officer, reason="Verfahren beendet")
    do_erase_party(person, actor=officer, reason="Anfrage")
    assert list(
        PrivacyLog.objects.filter(party_id=person.pk)
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["hold", "lift", "erase"]


def test_a_hold_needs_a_date_not_in_the_past_and_a_reason(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        do_set_hold(world["person"], actor=None, until=dt.date(2000, 1, 1), reason=" ")
    assert set(exc.value.message_dict) == {"until", "reason"}


def test_a_reimport_of_the_erased_key_is_refused_until_released(
    world: dict[str, Any], run_import: Any
) -> None:
    person = world["person"]
    do_erase_party(person, actor=None, reason="Anfrage")
    assert ErasedKey.objects.filter(erp_source="erp", erp_id="P1", released_at=None).exists()
    row = f"id;kind;first_name;last_name;email\nP1;person;{FIRST};{LAST};{EMAIL}\n"
    run = run_import(row)
    assert run.status != "done" or run.counts.get("errors")
    reasons = " ".join(e["reason"] for e in run.report.get("errors", []))
    assert "P1" in reasons and ("Art. 17" in reasons)
    assert Party.objects.get(pk=person.pk).email == ""
    do_release_erased_key(person, actor=None, reason="Kunde neu angelegt, Einwilligung liegt vor")
    run = run_import(row)
    assert not run.report.get("errors"), run.report
    assert Party.objects.get(pk=person.pk).email == EMAIL


def test_the_erasure_audit_records_carry_no_personal_data(world: dict[str, Any]) -> None:
    person = world["person"]
    do_erase_party(person, actor=None, reason="Anfrage")
    rec = AuditRecord.objects.get(action="privacy.erase", party_id=person.pk)
    assert rec.before is None and rec.after is None


def test_erasing_twice_is_refused(world: dict[str, Any]) -> None:
    do_erase_party(world["person"], actor=None, reason="Anfrage")
    with pytest.raises(ValidationError, match=re.escape(rules.already_erased_error(True) or "")):
        do_erase_party(world["person"], actor=None, reason="Anfrage")


def test_the_erasure_page_counts_one_of_a_kind_in_the_singular(db: Any, client_for: Any) -> None:
    from verbund.parties.actions import do_create_party
    from verbund.relationships.actions import do_create_relationship

    firm = do_create_party(actor=None, name="Einzel GmbH")
    person = do_create_party(actor=None, kind="person", first_name="Ina", last_name="Einzeln")
    do_create_relationship(actor=None, type="contact", from_party=person, to_party=firm)
    page = client_for("privacy").get(f"/privacy/parties/{person.pk}/erase/").content.decode()
    assert "1 Beziehung (Konzernstrukturen bleiben, wie sie sind)." in page
    assert "0 Monatsumsätze" in page and "Der Freitext von 0 Aktivitäten wird ersetzt." in page
