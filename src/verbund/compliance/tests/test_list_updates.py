"""``verbund lists update --from DIR``: each list version recorded with what it changed, only
what is new screened (new and changed entries against every party, changed parties against
every entry), new hits on the start page; OpenSanctions PEP data as a list of kind PEP; a bad
file names file, line and field and writes nothing."""

import datetime as dt
import io
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from verbund.compliance import list_updates, screening, sources
from verbund.compliance.actions import do_confirm_hit
from verbund.compliance.list_updates import do_sync_party_tokens, do_update_lists
from verbund.compliance.matching import Index
from verbund.compliance.models import (
    Hit,
    HitStatus,
    ListKind,
    ListUpdate,
    ListVersion,
    PartyScreeningKey,
    PartyToken,
    PartyTokenMark,
    RunFinding,
    SanctionsList,
    ScreeningStatus,
)
from verbund.compliance.screening import PartyRow
from verbund.compliance.selectors import is_blocked, version_changes
from verbund.compliance.tests import fixtures
from verbund.parties.actions import do_archive_party, do_mark_merged, do_update_party
from verbund.parties.models import Party

pytestmark = pytest.mark.django_db

PEPS = b"""{"id": "Q567", "schema": "Person", "properties": {"name": ["Angela Merkel"], "alias": ["Angela Dorothea Merkel"], "birthDate": ["1954-07-17"], "nationality": ["de"], "topics": ["role.pep"], "position": ["Federal Chancellor of Germany"]}, "datasets": ["wd_peps"]}
{"id": "pos-1", "schema": "Position", "properties": {"name": ["Federal Chancellor of Germany"], "country": ["de"]}, "datasets": ["wd_peps"]}
{"id": "Q2861", "schema": "Person", "properties": {"name": ["Joachim Sauer"], "birthDate": ["1949-04-19"], "topics": ["role.rca"]}, "datasets": ["wd_peps"]}
"""


def _folder(tmp_path: Path, name: str, files: dict[str, bytes]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file_name, data in files.items():
        (folder / file_name).write_bytes(data)
    return folder


def _ofac(sdn: bytes) -> dict[str, bytes]:
    return {"sdn.csv": sdn, "alt.csv": fixtures.OFAC_ALT, "add.csv": fixtures.OFAC_ADD}


def _update(folder: Path) -> str:
    out = io.StringIO()
    call_command("lists", "update", "--from", str(folder), stdout=out)
    return out.getvalue()


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    return _folder(tmp_path, "v1", _ofac(fixtures.OFAC_SDN))


@pytest.fixture
def v2(tmp_path: Path) -> Path:
    return _folder(tmp_path, "v2", _ofac(fixtures.OFAC_SDN_V2))


def test_an_update_records_the_version_and_shows_entries_added_removed_and_changed(
    v1: Path, v2: Path
) -> None:
    first = _update(v1)
    assert "ofac-sdn v1: 4 entries (+4 added, ~0 changed, -0 removed)" in first
    out = _update(v2)
    version = ListVersion.objects.get(list__key="ofac-sdn", number=2)
    assert version.diff == {"added": ["7777"], "changed": ["306"], "removed": ["36"]}
    assert "ofac-sdn v2: 4 entries (+1 added, ~1 changed, -1 removed)" in out
    assert "added: 7777 KRASNY OKTYABR OOO" in out
    assert "removed: 36 AEROCARIBBEAN AIRLINES" in out
    assert "changed: 306 BANCO NACIONAL DE CUBA (" in out
    changes = version_changes(version)
    assert changes["removed"]["rows"] == [
        {"id": "36", "name": "AEROCARIBBEAN AIRLINES", "fields": []}
    ]
    assert changes["changed"]["rows"][0]["fields"]  # what differs is named


def test_the_same_files_again_record_no_new_version(v1: Path) -> None:
    _update(v1)
    out = _update(v1)
    assert "ofac-sdn: unchanged" in out
    assert ListVersion.objects.count() == 1
    assert ListUpdate.objects.first().unchanged == ["ofac-sdn"]  # type: ignore[union-attr]


def test_delta_screening_finds_new_entries_and_changed_parties_and_leaves_unchanged_pairs(
    v1: Path, v2: Path, org: Callable[..., Any], person: Callable[..., Any]
) -> None:
    abbas = person("Abu", "Abbas")
    org("Muster GmbH")
    _update(v1)
    first = ListUpdate.objects.get()
    old_hit = Hit.objects.get(party=abbas, entry_external_id="2674")
    assert old_hit.run_id == first.entry_run_id
    # After the first pass: a party changed by a bulk path (no screening of its own), and a
    # new party whose listing only the next version brings.
    changed = org("Nordhandel GmbH")
    Party.objects.filter(pk=changed.pk).update(
        name="Nordstern Trading LLC", updated_at=timezone.now()
    )
    krasny = org("Krasny Oktyabr GmbH")
    assert not Hit.objects.filter(party=krasny).exists()

    _update(v2)
    second = ListUpdate.objects.first()
    assert second is not None and second.status == ScreeningStatus.FINISHED
    # A newly added entry against every party.
    assert Hit.objects.get(party=krasny).entry_external_id == "7777"
    # A changed party against every entry (9001 is in both versions, unchanged).
    assert Hit.objects.get(party_id=changed.pk).entry_external_id == "9001"
    assert second.party_run is not None and second.party_run.total == second.parties_changed
    assert {changed.pk, krasny.pk} <= set(
        RunFinding.objects.filter(run__in=[second.entry_run, second.party_run]).values_list(
            "party_id", flat=True
        )
    )
    assert second.new_hits >= 2
    # The unchanged party against the unchanged entry was not screened again.
    old_hit.refresh_from_db()
    assert old_hit.run_id == first.entry_run_id
    assert not RunFinding.objects.filter(
        party=abbas, run__in=[second.entry_run, second.party_run]
    ).exists()


def test_a_pep_file_imports_as_a_pep_list_shown_apart_that_never_blocks(
    tmp_path: Path,
    person: Callable[..., Any],
    reviewer: Any,
    client_for: Callable[[str], Client],
) -> None:
    merkel = person("Angela", "Merkel", birth_date="1954-07-17")
    _update(_folder(tmp_path, "peps", {"entities.ftm.json": PEPS}))
    peps = SanctionsList.objects.get(key="opensanctions-peps")
    assert peps.kind == ListKind.PEP and peps.current is not None
    assert peps.current.entry_count == 2  # persons; the position is no entry of its own
    entry = peps.current.entries.get(external_id="Q567")
    assert "role.pep" in entry.programs and "Federal Chancellor of Germany" in entry.programs
    hit = Hit.objects.get(party=merkel)
    do_confirm_hit(hit, actor=reviewer)
    assert Hit.objects.get(pk=hit.pk).status == HitStatus.CONFIRMED
    assert not is_blocked(merkel.pk)
    officer = client_for("compliance")
    page = officer.get("/compliance/?kind=pep&status=").content.decode()
    assert "Angela Merkel" in page and 'data-testid="pep-badge"' in page
    assert (
        "Angela Merkel" not in officer.get("/compliance/?kind=sanctions&status=").content.decode()
    )
    file_page = officer.get(f"/parties/{merkel.pk}/").content.decode()
    assert "PEP" in file_page and "Blocked (sanctions)" not in file_page


def test_the_api_shows_the_kind_of_list_and_filters_hits_by_it(
    tmp_path: Path, v1: Path, person: Callable[..., Any], api_for: Callable[..., Any]
) -> None:
    person("Angela", "Merkel", birth_date="1954-07-17")
    person("Abu", "Abbas")
    _update(v1)
    _update(_folder(tmp_path, "peps", {"entities.ftm.json": PEPS}))
    api = api_for("compliance")
    lists = {
        row["key"]: row["kind"] for row in api.get("/api/v1/compliance/lists/").json()["results"]
    }
    assert lists == {"ofac-sdn": "sanctions", "opensanctions-peps": "pep"}
    pep = api.get("/api/v1/compliance/hits/?kind=pep&status=").json()["results"]
    assert [h["entry_name"] for h in pep] == ["Angela Merkel"]
    sanctions = api.get("/api/v1/compliance/hits/?kind=sanctions&status=").json()["results"]
    assert "Angela Merkel" not in [h["entry_name"] for h in sanctions] and sanctions
    assert api.get("/api/v1/compliance/hits/?kind=nonsense").status_code == 400


def test_a_bad_file_names_file_line_and_field_and_writes_nothing(tmp_path: Path) -> None:
    bad = PEPS + b'{"id": "Q9", "schema": "Person", "properties": {"name": "Olaf Scholz"}}\n'
    folder = _folder(tmp_path, "bad", {**_ofac(fixtures.OFAC_SDN), "peps.ftm.json": bad})
    with pytest.raises(CommandError) as refused:
        _update(folder)
    assert "peps.ftm.json line 4, field properties.name: expected a list of texts" in str(
        refused.value
    )
    assert not ListVersion.objects.exists()  # the good OFAC files were not written either
    assert not SanctionsList.objects.exists()
    failed = ListUpdate.objects.get()
    assert failed.status == ScreeningStatus.FAILED and "peps.ftm.json line 4" in failed.error


def test_an_oversized_entity_and_a_bad_csv_are_refused_by_name(tmp_path: Path) -> None:
    huge = (
        b'{"id": "x", "schema": "Person", "properties": {"name": ["' + b"a" * 1_000_001 + b'"]}}\n'
    )
    with pytest.raises(CommandError, match=r"big\.ftm\.json line 1: the entity is larger"):
        _update(_folder(tmp_path, "big", {"big.ftm.json": huge}))
    with pytest.raises(CommandError, match=r"sdn\.csv is not an OFAC CSV file"):
        _update(_folder(tmp_path, "csv", {"sdn.csv": b"name,other\nx,y\n"}))
    assert not ListVersion.objects.exists()


def test_a_folder_without_list_files_and_a_missing_folder_are_clear_errors(
    tmp_path: Path,
) -> None:
    with pytest.raises(CommandError, match="no list files found"):
        _update(_folder(tmp_path, "empty", {"readme.txt": b"hello"}))
    with pytest.raises(CommandError, match="no such folder or file"):
        _update(tmp_path / "missing")


def test_two_files_of_one_list_in_a_folder_are_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "two", {"a.xml": fixtures.UN_XML, "b.xml": fixtures.UN_XML})
    with pytest.raises(CommandError, match=r"a\.xml and b\.xml are both un-xml files"):
        _update(folder)
    both = _folder(tmp_path, "ofac", {"sdn.csv": fixtures.OFAC_SDN, "sdn.xml": fixtures.OFAC_XML})
    with pytest.raises(CommandError, match="are both files of the list ofac-sdn"):
        _update(both)
    assert not ListVersion.objects.exists()


def test_files_are_recognised_by_name_and_root_element() -> None:
    assert sources.detect("sdn.csv", b"") == "ofac-csv"
    assert sources.detect("consolidated.xml", fixtures.UN_XML) == "un-xml"
    assert sources.detect("list.xml", fixtures.EU_XML) == "eu-xml"
    assert sources.detect("sdn.xml", fixtures.OFAC_XML) == "ofac-xml"
    assert sources.detect("entities.ftm.json", fixtures.FTM) == "ftm"
    assert sources.detect("entities.ftm.json", PEPS) == "ftm-pep"
    assert sources.detect("notes.txt", b"x") == ""


def test_an_official_address_is_downloaded_and_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sources, "_download", lambda url: ("consolidated.xml", fixtures.UN_XML))
    out = io.StringIO()
    call_command("lists", "update", "--from", "https://example.org/consolidated.xml", stdout=out)
    assert "un v1:" in out.getvalue()


def test_the_list_page_shows_what_a_version_changed_and_the_start_page_new_hits(
    v1: Path, v2: Path, org: Callable[..., Any], client_for: Callable[[str], Client]
) -> None:
    org("Krasny Oktyabr GmbH")
    _update(v1)
    _update(v2)
    slist = SanctionsList.objects.get(key="ofac-sdn")
    officer = client_for("compliance")
    page = officer.get(f"/compliance/lists/{slist.pk}/").content.decode()
    assert "KRASNY OKTYABR OOO" in page and "AEROCARIBBEAN AIRLINES" in page
    first = officer.get(f"/compliance/lists/{slist.pk}/?version=1").content.decode()
    assert 'data-testid="changes-added"' in first and "KRASNY" not in first
    home = officer.get("/").content.decode()
    assert 'data-testid="home-new-hits"' in home and "KRASNY OKTYABR OOO" in home
    viewer_home = client_for("viewer").get("/").content.decode()
    assert 'data-testid="home-new-hits"' not in viewer_home


def test_updates_through_the_action_without_screening_record_versions_only(
    org: Callable[..., Any],
) -> None:
    org("Krasny Oktyabr GmbH")
    update = do_update_lists(
        [("ofac-csv", list(_ofac(fixtures.OFAC_SDN_V2).items()))],
        actor=None,
        source="test",
        screen=False,
    )
    assert update.entry_run is None and len(update.versions) == 1
    assert not Hit.objects.exists()


def test_the_delta_screening_finds_for_the_new_and_changed_entries_what_a_full_run_finds(
    v1: Path, v2: Path, org: Callable[..., Any], person: Callable[..., Any]
) -> None:
    names = [
        "Krasny Oktyabr GmbH", "Krasni Oktjabr", "KrasnyOktyabr Handel", "Oktyabr Krasny OOO",
        "Banco Cuba S.A.", "Banco Nacional de Cuba", "Bank of Cuba", "Banco Nacional Kuba",
        "Nordstern Trading", "Muster GmbH", "Krause Oktoberfest KG", "Cuba Libre Bar",
    ]  # fmt: skip
    parties = [org(n) for n in names] + [person("Abu", "Abbas"), person("Krasny", "Oktyabr")]
    _update(v1)
    _update(v2)
    update = ListUpdate.objects.first()
    assert update is not None and update.entry_run is not None
    version = ListVersion.objects.get(list__key="ofac-sdn", number=2)
    changed = version.diff["added"] + version.diff["changed"]
    index, _versions = screening.get_index()
    full = {
        (p.pk, m.entry.external_id, m.score)
        for p in parties
        for m in index.screen(screening.query_for(PartyRow.of(p)), screening.threshold())
        if m.entry.external_id in changed
    }
    delta = set(
        Hit.objects.filter(run=update.entry_run).values_list(
            "party_id", "entry_external_id", "score"
        )
    )
    assert full and delta == full
    # Only parties sharing a close spelling with the changes were screened.
    assert update.entry_run.total < len(parties)


def test_the_delta_filter_shared_among_forked_workers_picks_the_parties_it_picks_alone(
    v1: Path, v2: Path, org: Callable[..., Any], person: Callable[..., Any], monkeypatch: Any
) -> None:
    names = [
        "Krasny Oktyabr GmbH", "Krasni Oktjabr", "KrasnyOktyabr Handel", "Banco Cuba S.A.",
        "Banco Nacional de Cuba", "Bank of Cuba", "Nordstern Trading", "Muster GmbH",
    ]  # fmt: skip
    parties = [org(n) for n in names] + [person("Krasny", "Oktyabr"), person("Abu", "Abbas")]
    org("Muster Beteiligungen GmbH", register_number="9187629")
    _update(v1)
    call_command("lists", "update", "--from", str(v2), "--no-screen", stdout=io.StringIO())
    version = ListVersion.objects.get(list__key="ofac-sdn", number=2)
    changed = set(
        version.entries.filter(
            external_id__in=version.diff["added"] + version.diff["changed"]
        ).values_list("id", flat=True)
    )
    index, _versions = screening.get_index()
    alone = list_updates.delta_party_ids(index, changed, workers=1)
    monkeypatch.setattr(list_updates, "FORK_FROM", 0)
    assert list_updates.delta_party_ids(index, changed, workers=2) == alone
    assert alone and len(alone) < len(parties)


def test_a_vocabulary_read_before_the_token_sync_still_finds_a_party_renamed_by_a_bulk_path(
    v1: Path, v2: Path, org: Callable[..., Any]
) -> None:
    firm = org("Muster GmbH")
    org("Nordstern Trading")
    _update(v1)
    call_command("lists", "update", "--from", str(v2), "--no-screen", stdout=io.StringIO())
    version = ListVersion.objects.get(list__key="ofac-sdn", number=2)
    changed = set(version.entries.values_list("id", flat=True))
    index, _versions = screening.get_index()
    before = screening.token_vocabulary()
    # A bulk path renames the party to a listed name: its stored tokens are stale.
    Party.objects.filter(pk=firm.pk).update(name="Krasny Oktyabr", updated_at=timezone.now())
    assert "krasny" not in before
    state = screening.token_sync_state()
    found = list_updates.delta_party_ids(index, changed, sync_state=state, vocab=before)
    assert firm.pk in found
    assert found == list_updates.delta_party_ids(index, changed)


def test_an_index_spelled_in_forked_workers_is_the_index_spelled_alone(
    v1: Path, monkeypatch: Any
) -> None:
    _update(v1)
    versions = screening.current_versions()
    alone = screening.build_index(versions)
    monkeypatch.setattr(screening, "SPELL_FORK_FROM", 0)
    calls: list[str] = []
    forked = screening.build_index(versions, workers=2, meanwhile=lambda: calls.append("built"))
    # A cached index runs what was to be done meanwhile at once.
    screening.get_index()
    screening.get_index(meanwhile=lambda: calls.append("cached"))
    assert calls == ["built", "cached"]

    def names(index: Index) -> list[tuple[Any, ...]]:
        return [(n.entry, n.name, n.tokens, n.weak, n.parts, n.total_weight) for n in index.names]

    assert names(forked) == names(alone) and forked.words == alone.words
    assert len({n.entry for n in alone.names}) > 1


@pytest.mark.django_db(transaction=True)
def test_tokens_derived_in_forked_workers_are_those_derived_alone(
    org: Callable[..., Any], person: Callable[..., Any], monkeypatch: Any
) -> None:
    parties = [org(f"Nordstern Handel {i} GmbH", register_number=f"HRB {i}0001") for i in range(5)]
    parties += [person("Abu", f"Abbas{i}") for i in range(4)]
    gone = org("Banco Cuba")
    Party.objects.filter(pk=gone.pk).update(archived=True)

    def stored() -> tuple[set[tuple[Any, ...]], list[tuple[Any, ...]]]:
        keys = PartyScreeningKey.objects.order_by("party_id")
        return (
            set(PartyToken.objects.values_list("party_id", "token", "person")),
            list(keys.values_list("party_id", "fingerprint", "readings", "party_updated_at")),
        )

    ids = [p.pk for p in parties] + [gone.pk]
    list_updates.do_refresh_party_tokens(ids)
    alone = stored()
    PartyToken.objects.all().delete()
    PartyScreeningKey.objects.all().delete()
    monkeypatch.setattr(list_updates, "CHUNK", 2)
    assert list_updates.do_refresh_party_tokens(ids, workers=2) == len(parties)
    assert stored() == alone and {pid for pid, _t, _p in alone[0]} == {p.pk for p in parties}


@pytest.mark.django_db(transaction=True)
def test_the_delta_derives_stale_tokens_beside_the_index_build_and_screens_by_them(
    v1: Path, v2: Path, org: Callable[..., Any], monkeypatch: Any
) -> None:
    firm = org("Muster GmbH")
    org("Nordstern Handel GmbH")
    _update(v1)
    # A bulk path renames the party to the name version 2 adds: its stored tokens are stale.
    Party.objects.filter(pk=firm.pk).update(name="Krasny Oktyabr", updated_at=timezone.now())
    threads: list[str] = []
    sync = list_updates.do_sync_party_tokens

    def recorded(*args: Any, **kwargs: Any) -> int:
        threads.append(threading.current_thread().name)
        return sync(*args, **kwargs)

    monkeypatch.setattr(list_updates, "do_sync_party_tokens", recorded)
    _update(v2)
    update = ListUpdate.objects.latest("started_at")
    # Derived on the index build's side thread; nothing left to derive after it.
    assert threads[0] == "verbund-read-alongside"
    assert screening.token_sync_state()[:2] == ([], [])
    assert "krasny" in set(PartyToken.objects.filter(party=firm).values_list("token", flat=True))
    found = RunFinding.objects.filter(run=update.entry_run).values_list("party_id", "new")
    assert list(found) == [(firm.pk, True)]
    assert update.parties_changed == 1


def test_where_the_platform_cannot_fork_the_delta_runs_in_one_process(
    v1: Path, v2: Path, org: Callable[..., Any], monkeypatch: Any
) -> None:
    import multiprocessing

    from verbund.core import forking

    for name in ("Krasny Oktyabr GmbH", "Banco Cuba S.A.", "Muster GmbH"):
        org(name)
    _update(v1)
    call_command("lists", "update", "--from", str(v2), "--no-screen", stdout=io.StringIO())
    version = ListVersion.objects.get(list__key="ofac-sdn", number=2)
    changed = set(version.entries.values_list("id", flat=True))
    index, _versions = screening.get_index()
    alone = list_updates.delta_party_ids(index, changed)
    monkeypatch.setattr(forking, "can_fork", lambda: False)
    monkeypatch.setattr(multiprocessing, "get_context", None)  # any fork would fail
    for name in ("FORK_FROM", "CHUNK"):
        monkeypatch.setattr(list_updates, name, 1)
    monkeypatch.setattr(screening, "SPELL_FORK_FROM", 0)
    assert list_updates.delta_party_ids(index, changed, workers=2) == alone
    assert screening.build_index(screening.current_versions(), workers=2).words == index.words
    assert list_updates.do_refresh_party_tokens([p.pk for p in Party.objects.all()], workers=2) == 3


def test_the_delta_finds_a_party_by_the_identifier_of_a_changed_entry_whatever_its_name(
    tmp_path: Path, v1: Path, org: Callable[..., Any]
) -> None:
    """A party whose name shares no word with a changed entry but whose register number is
    the entry's identifier is screened, and only it: an identical identifier is a match."""
    holder = org("Muster Beteiligungen GmbH", register_number="9187629")
    others = [
        org(f"Muster Beteiligungen {i} GmbH", register_number=f"HRB 5{i:04d}") for i in range(3)
    ]
    _update(v1)
    changed_sdn = fixtures.OFAC_SDN.replace(b"IMO 9187629.", b"IMO 9187629. Former remark.")
    _update(_folder(tmp_path, "v3", _ofac(changed_sdn)))
    update = ListUpdate.objects.first()
    assert update is not None and update.entry_run is not None
    version = ListVersion.objects.get(list__key="ofac-sdn", number=2)
    assert version.diff["changed"] == ["9001"] and not version.diff["added"]
    index, _versions = screening.get_index()
    full = {
        (p.pk, m.entry.external_id, m.score)
        for p in [holder, *others]
        for m in index.screen(screening.query_for(PartyRow.of(p)), screening.threshold())
        if m.entry.external_id == "9001"
    }
    delta = set(
        Hit.objects.filter(run=update.entry_run).values_list(
            "party_id", "entry_external_id", "score"
        )
    )
    assert {pid for pid, _e, _s in full} == {holder.pk} and delta == full
    assert update.entry_run.total == 1


def test_stored_name_tokens_follow_a_party_through_its_writes_and_leave_with_a_merge(
    org: Callable[..., Any], person: Callable[..., Any]
) -> None:
    def tokens(party: Party) -> set[str]:
        return set(PartyToken.objects.filter(party=party).values_list("token", flat=True))

    firm = org("Nordstern Handel GmbH", register_number="HRB 12345", vat_id="DE 313145928")
    assert {"nordstern", "handel", "+nordsternhandel", "#de313145928"} <= tokens(firm)
    # A register number without its court names no one entity: no identifier of a match.
    assert "#hrb12345" not in tokens(firm)
    # The delta's vocabulary leaves out the identifier keys (looked up directly).
    vocabulary = screening.token_vocabulary()
    assert {"nordstern", "+nordsternhandel"} <= set(vocabulary)
    assert "#de313145928" not in vocabulary
    do_update_party(firm, actor=None, name="Krasny Oktyabr GmbH")
    assert "krasny" in tokens(firm) and "nordstern" not in tokens(firm)
    assert screening.token_sync_state()[:2] == ([], [])
    # A bulk path writes the row and its updated_at only: the next delta derives it again.
    Party.objects.filter(pk=firm.pk).update(name="Banco Cuba", updated_at=timezone.now())
    assert screening.token_sync_state()[:2] == ([firm.pk], [])
    twin = org("Banco Cuba")
    do_mark_merged(firm, twin, actor=None)
    assert tokens(firm) == set() and "banco" in tokens(twin)
    do_sync_party_tokens()
    assert screening.token_sync_state()[:2] == ([], [])
    assert not PartyScreeningKey.objects.filter(party=firm).exists()
    abbas = person("Abu", "Abbas")
    key = PartyScreeningKey.objects.get(party=abbas)
    assert key.readings == {"kind": "person", "names": [[["abu", "abbas"], ["abuabbas"]]]}
    # Archived (as an erasure does too): its name's tokens go with it.
    do_archive_party(abbas, actor=None)
    assert tokens(abbas) == set()


def test_stale_and_dead_parties_come_back_apart_and_in_id_order(org: Callable[..., Any]) -> None:
    firms = [org(f"Firma {n} GmbH") for n in ("Eins", "Zwei", "Drei", "Vier")]
    assert screening.token_sync_state()[:2] == ([], [])
    # Bulk paths write the rows alone: three changed, one archived with its tokens left.
    Party.objects.filter(pk__in=[f.pk for f in firms[:3]]).update(updated_at=timezone.now())
    Party.objects.filter(pk=firms[3].pk).update(archived=True)
    assert screening.token_sync_state()[:2] == (sorted(f.pk for f in firms[:3]), [firms[3].pk])
    do_sync_party_tokens()
    assert screening.token_sync_state()[:2] == ([], [])


def test_a_token_check_after_a_sync_reads_the_parties_changed_since_its_mark(
    org: Callable[..., Any],
) -> None:
    firms = [org(f"Firma {n} GmbH") for n in range(20)]
    # The check before any sync reads every party.
    assert screening.token_sync_state().full
    # The parties and their tokens as of two hours ago, then a sync: the mark lies an hour
    # (the margin) before it.
    earlier = timezone.now() - dt.timedelta(hours=2)
    Party.objects.update(updated_at=earlier)
    PartyScreeningKey.objects.update(party_updated_at=earlier)
    do_sync_party_tokens()
    mark = PartyTokenMark.objects.get()
    assert (
        earlier < mark.through < timezone.now() - screening.TOKEN_MARGIN + dt.timedelta(minutes=1)
    )
    # Renamed by a bulk path now, and one written half an hour ago by a transaction that
    # committed after the sync (within the margin): both are read.
    Party.objects.filter(pk=firms[0].pk).update(name="Banco Cuba", updated_at=timezone.now())
    late = timezone.now() - dt.timedelta(minutes=30)
    Party.objects.filter(pk=firms[1].pk).update(name="Krasny Oktyabr", updated_at=late)
    # A party whose key disagrees with its row, both from before the mark: a write that broke
    # the updated_at contract. Only the weekly check of every party reads it.
    PartyScreeningKey.objects.filter(party=firms[2]).update(party_updated_at=late)
    state = screening.token_sync_state()
    assert not state.full and state[:2] == ([firms[0].pk, firms[1].pk], [])
    PartyTokenMark.objects.update(checked=timezone.now() - screening.FULL_CHECK_EVERY)
    state = screening.token_sync_state()
    assert state.full and state.stale == [firms[0].pk, firms[1].pk, firms[2].pk]
    do_sync_party_tokens(state=state)
    assert PartyTokenMark.objects.get().checked == state.read_at
    assert "banco" in set(PartyToken.objects.filter(party=firms[0]).values_list("token", flat=True))
    assert screening.token_sync_state()[:2] == ([], [])


def test_a_check_of_more_changed_parties_than_a_tenth_reads_every_party(
    org: Callable[..., Any],
) -> None:
    firms = [org(f"Firma {n} GmbH") for n in range(3)]
    do_sync_party_tokens()
    # Every party changed within the margin: the range would read them all, one at a time.
    Party.objects.filter(pk=firms[1].pk).update(name="Banco Cuba", updated_at=timezone.now())
    state = screening.token_sync_state()
    assert state.full and state[:2] == ([firms[1].pk], [])


def test_under_other_token_rules_every_live_party_is_derived_again(
    org: Callable[..., Any], monkeypatch: Any
) -> None:
    firms = [org(f"Firma {n} GmbH") for n in range(3)]
    Party.objects.filter(pk=firms[2].pk).update(archived=True)
    do_sync_party_tokens()
    assert screening.token_sync_state()[:2] == ([], [])
    monkeypatch.setattr(screening, "token_rules", lambda: "later rules")
    assert screening.token_sync_state()[:2] == ([firms[0].pk, firms[1].pk], [])
    do_sync_party_tokens()
    assert PartyTokenMark.objects.get().rules == "later rules"
    assert set(PartyScreeningKey.objects.values_list("rules", flat=True)) == {"later rules"}
    assert screening.token_sync_state()[:2] == ([], [])


def test_a_key_written_under_other_rules_after_the_mark_is_stale(org: Callable[..., Any]) -> None:
    firms = [org(f"Firma {n} GmbH") for n in range(20)]
    earlier = timezone.now() - dt.timedelta(hours=2)
    Party.objects.update(updated_at=earlier)
    PartyScreeningKey.objects.update(party_updated_at=earlier)
    do_sync_party_tokens()
    # A worker still running the previous release saves a party: its key agrees with the
    # party's updated_at, but was derived by the rules of that release.
    now = timezone.now()
    Party.objects.filter(pk=firms[3].pk).update(updated_at=now)
    PartyScreeningKey.objects.filter(party=firms[3]).update(party_updated_at=now, rules="previous")
    state = screening.token_sync_state()
    assert not state.full and state[:2] == ([firms[3].pk], [])


def test_the_token_rules_fingerprint_changes_with_what_a_name_derives(monkeypatch: Any) -> None:
    now = screening.token_rules.__wrapped__()
    assert now == screening.token_rules()
    derive = screening.reading_tokens

    def without_joined_words(*args: Any) -> set[str]:
        return {t for t in derive(*args) if not t.startswith("+")}

    monkeypatch.setattr(screening, "reading_tokens", without_joined_words)
    assert screening.token_rules.__wrapped__() != now


def test_the_changed_parties_are_sought_by_their_updated_at(org: Callable[..., Any]) -> None:
    firms = [org(f"Firma {n} GmbH") for n in range(3)]
    since = timezone.now()
    Party.objects.filter(pk__in=[firms[2].pk, firms[0].pk]).update(updated_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        assert list_updates.changed_party_ids(since) == [firms[0].pk, firms[2].pk]
    (sql,) = [q["sql"] for q in queries.captured_queries]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row[-1]) for row in cur.fetchall())
        else:
            # A handful of rows: forbid the cheaper sequential scan to see the index is usable.
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute(f"EXPLAIN {sql}")
            plan = " ".join(row[0] for row in cur.fetchall())
    # Ordered by id, SQLite read every party in id order (0.26 s at 1M parties, not 2 ms).
    assert "party_updated_at" in plan
