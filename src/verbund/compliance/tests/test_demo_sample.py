"""``verbund demo --sample-list``: a fresh demo shows the compliance pages at work."""

import io

import pytest
from django.core.management import call_command

from verbund.compliance import demo
from verbund.compliance.models import Hit, HitStatus, ListVersion, SanctionsList
from verbund.core.models import AuditRecord
from verbund.parties.models import Party
from verbund.relationships.models import Relationship

pytestmark = pytest.mark.django_db


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--size", "30", *args, stdout=out)
    return out.getvalue()


def test_the_sample_list_gives_each_demo_supplier_an_open_hit_to_review() -> None:
    out = _demo("--sample-list")
    sample = SanctionsList.objects.get(key=demo.LIST_KEY)
    assert sample.name == demo.LIST_NAME and sample.current is not None
    assert sample.current.entry_count == 2
    suppliers = Party.objects.filter(name__in=[s["name"] for s in demo.SUPPLIERS])
    assert suppliers.count() == 2 and Party.objects.count() == 32
    hits = Hit.objects.filter(party__in=suppliers, list=sample)
    assert {h.status for h in hits} == {HitStatus.OPEN} and hits.count() == 2
    assert all(h.score >= 0.9 for h in hits)
    # Each supplier delivers to the demo's first organisation, one click from its file.
    first = Party.objects.filter(kind="organisation").order_by("id").first()
    assert (
        Relationship.objects.filter(from_party__in=suppliers, to_party=first, type__key="supplier")
        .values("from_party")
        .distinct()
        .count()
        == 2
    )
    assert AuditRecord.objects.filter(action="compliance.list_import").count() == 1
    assert demo.LIST_NAME in out


def test_the_remarks_say_every_entry_is_fictional() -> None:
    _demo("--sample-list")
    version = ListVersion.objects.get(list__key=demo.LIST_KEY)
    remarks = list(version.entries.values_list("remarks", flat=True))
    assert len(remarks) == 2 and all("fiktiv" in r.lower() for r in remarks)


def test_without_the_flag_or_into_a_database_with_parties_no_list_is_loaded() -> None:
    _demo()
    assert not SanctionsList.objects.exists() and Party.objects.count() == 30
    _demo("--if-empty", "--sample-list")
    assert not SanctionsList.objects.exists() and Party.objects.count() == 30


def test_a_second_demo_load_leaves_the_sample_list_as_it_is() -> None:
    _demo("--sample-list")
    _demo("--seed", "2", "--sample-list")
    assert ListVersion.objects.filter(list__key=demo.LIST_KEY).count() == 1
    assert Party.objects.filter(name=demo.SUPPLIERS[0]["name"]).count() == 1
