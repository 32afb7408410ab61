"""Retention: the rules list what is due (dry run by default); --apply erases it through the
erasure, leaving held parties alone."""

import datetime as dt
import json
from typing import Any

from django.utils import timezone

from verbund.activities.actions import do_create_activity
from verbund.core.testing import run_cli
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.privacy.actions import do_retention, do_set_hold
from verbund.privacy.models import PrivacyLog


def _aged(party: Party, years: float) -> Party:
    moment = timezone.now() - dt.timedelta(days=365.25 * years)
    Party.objects.filter(pk=party.pk).update(created_at=moment, updated_at=moment)
    return party


def _world(db: Any) -> dict[str, Party]:
    old_org = do_create_party(actor=None, name="Alt GmbH")
    Party.objects.filter(pk=old_org.pk).update(archived=True)
    _aged(old_org, 4)
    contact = do_create_party(
        actor=None, kind="person", first_name="Otto", last_name="Altkontakt", organisation=old_org
    )
    sleeper = _aged(
        do_create_party(actor=None, kind="person", first_name="Sina", last_name="Schläfer"), 11
    )
    active = _aged(
        do_create_party(actor=None, kind="person", first_name="Anton", last_name="Aktiv"), 11
    )
    do_create_activity(actor=None, party=active, subject="Besuch")
    _aged(active, 11)
    held = _aged(
        do_create_party(actor=None, kind="person", first_name="Hugo", last_name="Halten"), 11
    )
    do_set_hold(held, actor=None, until=dt.date.today() + dt.timedelta(days=30), reason="Prüfung")
    _aged(held, 11)
    fresh = do_create_party(actor=None, kind="person", first_name="Frida", last_name="Frisch")
    return {
        "contact": contact,
        "sleeper": sleeper,
        "active": active,
        "held": held,
        "fresh": fresh,
        "org": old_org,
    }


def test_the_dry_run_lists_what_is_due_and_changes_nothing(db: Any) -> None:
    w = _world(db)
    result = do_retention(actor=None)
    due = {d.rule.key: set(d.party_ids) for d in result.due}
    assert due["archived_contacts"] == {w["contact"].pk}
    assert due["inactive_persons"] == {w["sleeper"].pk, w["held"].pk}
    assert result.held == {w["held"].pk}
    assert not result.erased
    assert Party.objects.get(pk=w["sleeper"].pk).last_name == "Schläfer"
    assert not PrivacyLog.objects.filter(action__in=["erase", "retention"]).exists()


def test_apply_erases_what_is_due_except_held_parties(db: Any) -> None:
    w = _world(db)
    result = do_retention(actor=None, apply=True)
    assert sorted(result.erased) == sorted([w["contact"].pk, w["sleeper"].pk])
    assert Party.objects.get(pk=w["sleeper"].pk).last_name == ""
    assert Party.objects.get(pk=w["held"].pk).last_name == "Halten"
    assert Party.objects.get(pk=w["active"].pk).last_name == "Aktiv"
    assert Party.objects.get(pk=w["fresh"].pk).last_name == "Frisch"
    assert Party.objects.get(pk=w["org"].pk).name == "Alt GmbH"
    assert set(PrivacyLog.objects.filter(action="erase").values_list("article", flat=True)) == {
        "art5"
    }
    # A second run finds nothing new.
    assert do_retention(actor=None, apply=True).erased == []


def test_the_command_is_a_dry_run_unless_told_to_apply(
    db: Any, capsys: Any, settings: Any, keep_test_connection: None
) -> None:
    w = _world(db)
    code, out, err = run_cli(capsys, "privacy", "retention", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert not data["applied"] and data["erased"] == []
    assert Party.objects.get(pk=w["sleeper"].pk).last_name == "Schläfer"
    settings.VERBUND_PRIVACY_RETENTION = {"archived_contacts": 0}
    code, out, err = run_cli(capsys, "privacy", "retention", "--apply", "--json")
    assert json.loads(out)["erased"] == [w["sleeper"].pk]


def test_archived_contacts_come_from_their_own_archiving_or_their_organisations_once(
    db: Any,
) -> None:
    """Both ways into the rule, each listed once; a recent archiving is not due yet."""
    w = _world(db)
    both = do_create_party(
        actor=None, kind="person", first_name="Berta", last_name="Beides", organisation=w["org"]
    )
    own = do_create_party(actor=None, kind="person", first_name="Eva", last_name="Eigen")
    recent = do_create_party(actor=None, kind="person", first_name="Nora", last_name="Neu")
    new_org = do_create_party(actor=None, name="Neu archiviert GmbH")
    via_new = do_create_party(
        actor=None, kind="person", first_name="Kai", last_name="Kurz", organisation=new_org
    )
    Party.objects.filter(pk__in=[both.pk, own.pk, recent.pk, new_org.pk]).update(archived=True)
    _aged(both, 4)
    _aged(own, 4)
    due = {d.rule.key: d.party_ids for d in do_retention(actor=None).due}
    assert due["archived_contacts"] == sorted([w["contact"].pk, both.pk, own.pk])
    assert via_new.pk not in due["archived_contacts"]
