"""Every list says how many of how many it shows, in one wording (core.formatting.format_count):
the file's timeline and its group's members and activities, a party's relationships of one
type, the sanctions lists and their versions, the selections and a selection's parties, the
privacy log and the revenue ranking, the last duplicate runs and merges, the last list
imports, the relationship types and the group's contacts. (The party list, the hits, runs, import history and
duplicate queue: parties/tests/test_views.py and web/tests/test_browser_counts.py.)"""

import re

import pytest
from django.urls import reverse

from verbund.activities import sections as activity_sections
from verbund.activities.actions import do_create_activity
from verbund.compliance.actions import do_import_list
from verbund.compliance.tests import fixtures
from verbund.selections.actions import do_save_selection

pytestmark = pytest.mark.django_db


def counts(body: str, testid: str = "list-count") -> list[str]:
    """The texts of the elements with this test id."""
    return [
        re.sub(r"\s+", " ", m).strip()
        for m in re.findall(rf'data-testid="{testid}"[^>]*>(.*?)</', body, re.S)
    ]


def test_the_file_its_group_and_a_relationship_list_count_their_rows(
    client_for, group, monkeypatch
):
    handel = group["handel"]
    for i in range(3):
        do_create_activity(actor=None, party=handel, subject=f"Anruf {i}")
    c = client_for("viewer")
    timeline = c.get(reverse("party-sections", args=[handel.pk, "activities"])).content.decode()
    assert counts(timeline, "activities-count") == ["3 von 3"]
    monkeypatch.setattr(activity_sections, "TIMELINE_LIMIT", 2)
    timeline = c.get(reverse("party-sections", args=[handel.pk, "activities"])).content.decode()
    assert counts(timeline, "activities-count") == ["2 von 3"]

    members = c.get(reverse("group-members", args=[handel.pk]), {"type": "group"})
    assert counts(members.content.decode(), "group-members-count") == ["5 von 5"]
    activities = c.get(reverse("group-activities", args=[handel.pk]), {"type": "group"})
    assert counts(activities.content.decode(), "group-activities-count") == ["3 von 3"]

    holding = group["holding"]
    listing = c.get(reverse("party-relationships", args=[holding.pk, "group"])).content.decode()
    assert counts(listing) == ["2 von 2"]
    english = c.get(
        reverse("party-relationships", args=[holding.pk, "group"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert counts(english.content.decode()) == ["2 of 2"]


def test_the_sanctions_lists_and_their_versions_count_their_rows(client_for):
    do_import_list("ofac-csv", [("sdn.csv", fixtures.OFAC_SDN), ("alt.csv", fixtures.OFAC_ALT)], actor=None)  # fmt: skip
    c = client_for("compliance")
    body = c.get(reverse("compliance:lists")).content.decode()
    assert counts(body) == ["1 von 1"]
    assert counts(body, "versions-count") == ["1 von 1"]


def test_the_selections_and_a_selections_parties_count_their_rows(client_for, group):
    c = client_for("editor")
    saved = do_save_selection(
        actor=c.get("/").wsgi_request.user, name="Konzern", filters={"group": group["holding"].pk}
    )
    assert counts(c.get(reverse("selection-list")).content.decode()) == ["1 von 1"]
    detail = c.get(reverse("selection-detail", args=[saved.pk])).content.decode()
    assert counts(detail, "selection-detail-count") == ["Adressen: 5 von 5"]


def test_the_privacy_log_counts_its_entries(client_for):
    from verbund.privacy.actions import log

    for n in range(3):
        log(actor=None, party_id=n + 1, action="export", article="art15", reason=f"A-{n}")
    body = client_for("privacy").get(reverse("privacy-log")).content.decode()
    assert counts(body) == ["3 von 3"]


def test_the_last_duplicate_runs_and_merges_count_their_rows(client_for, org):
    from verbund.quality.actions import do_create_run, do_merge

    for _ in range(6):
        do_create_run(actor=None)
    do_merge(org("Weg GmbH"), org("Weg GmbH", city="Bonn"), actor=None)
    body = client_for("steward").get(reverse("quality-queue")).content.decode()
    assert counts(body, "runs-count") == ["5 von 6"]
    assert counts(body, "merges-count") == ["1 von 1"]


def test_the_last_list_imports_count_their_rows(client_for):
    from verbund.compliance.models import ListUpload

    for _ in range(7):
        ListUpload.objects.create(format="ofac-csv")
    body = client_for("compliance").get(reverse("compliance:lists")).content.decode()
    assert counts(body, "uploads-count") == ["5 von 7"]


def test_the_relationship_types_count_their_rows(client_for):
    from verbund.relationships.models import RelationshipType

    total = RelationshipType.objects.count()
    body = client_for("admin").get(reverse("type-list")).content.decode()
    assert total > 1 and counts(body) == [f"{total} von {total}"]


def test_the_groups_contacts_count_their_rows_also_past_a_page(
    client_for, group, person, monkeypatch
):
    from verbund.hierarchies import group_views
    from verbund.relationships.actions import do_create_relationship

    filed = [
        person("Kontakt", f"Nr{i}", organisation=group[member])
        for i, member in enumerate(("holding", "sued"))
    ]
    # A contact both filed under and linked to a member is one row; one only linked is another.
    for who, member in ((filed[0], "holding"), (person("Kontakt", "Verlinkt"), "nord")):
        do_create_relationship(actor=None, type="contact", from_party=who, to_party=group[member])
    c = client_for("viewer")
    url = reverse("group-contacts", args=[group["handel"].pk])
    assert counts(c.get(url, {"type": "group"}).content.decode(), "group-contacts-count") == [
        "3 von 3"
    ]
    monkeypatch.setattr(group_views, "UI_PAGE", 2)
    first = c.get(url, {"type": "group"}).content.decode()
    assert counts(first, "group-contacts-count") == ["2 von 3"]
    # The next page says where it starts.
    next_url = re.search(r'hx-get="([^"]+)"', first)
    assert next_url is not None
    second = c.get(next_url.group(1).replace("&amp;", "&")).content.decode()
    assert counts(second, "group-contacts-count") == ["3\u20133 von 3"]
    only = c.get(url, {"type": "group", "member": group["sued"].pk}).content.decode()
    assert counts(only, "group-contacts-count") == ["1 von 1"]
