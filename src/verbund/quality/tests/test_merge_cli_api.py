"""A cluster merged in one step and its plan, through `verbund merge` and the API."""

import json

import pytest

from verbund.core.testing import assert_cli_refuses, run_cli
from verbund.parties.models import Party
from verbund.quality.models import MergeRecord
from verbund.relationships.actions import do_create_relationship

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]


@pytest.fixture
def three(org):
    return (
        org("Müller Bau GmbH", vat_id=""),
        org("Mueller Bau GmbH", vat_id="DE123456789"),
        org("Müller Bau G.m.b.H.", phone="0221 3"),
    )


def test_the_cli_plans_a_cluster_merge_without_merging(capsys, three):
    kept, second, third = three
    do_create_relationship(actor=None, type="settlement", from_party=second, to_party=kept)
    code, out, err = run_cli(capsys, "merge", kept.number, second.number, third.number, "--plan")
    assert code == 0, err
    assert "DE123456789" in out and "[endet]" in out
    assert not MergeRecord.objects.exists()


def test_the_cli_merges_a_cluster_in_one_step_and_undoes_it_as_one(capsys, three):
    kept, second, third = three
    code, out, err = run_cli(capsys, "merge", kept.number, second.number, third.number, "--json")
    assert code == 0, err
    merges = json.loads(out)["merges"]
    assert len(merges) == 2
    assert Party.objects.get(pk=kept.pk).vat_id == "DE123456789"
    code, out, err = run_cli(capsys, "merge", "--undo", str(merges[-1]))
    assert code == 0, err
    assert not Party.objects.filter(merged_into__isnull=False).exists()


def test_the_cli_keep_own_takes_no_values(capsys, three):
    kept, second, _third = three
    run_cli(capsys, "merge", kept.number, second.number, "--keep-own")
    assert Party.objects.get(pk=kept.pk).vat_id == ""


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["K-404", "K-405"], "K-404"),
        (["--undo", "999"], "999"),
        (["--take", "number=1", "x", "y"], "--take"),
    ],
)
def test_the_cli_refuses_bad_merges(capsys, args, names):
    assert_cli_refuses(capsys, "merge", *args, names=names)


def test_the_cli_refuses_a_single_party(capsys, three):
    assert_cli_refuses(capsys, "merge", three[0].number, names=three[0].number)


def test_the_api_merges_a_cluster_and_plans_it_first(three, api_for):
    kept, second, third = three
    api = api_for("steward")
    body = {"survivor": kept.pk, "sources": [second.pk, third.pk]}
    plan = api.post("/api/v1/quality/merges/plan/", body, format="json")
    assert plan.status_code == 200, plan.content
    assert plan.json()["values"] == {"vat_id": "DE123456789", "phone": "0221 3"}
    assert not MergeRecord.objects.exists()
    resp = api.post("/api/v1/quality/merges/", body, format="json")
    assert resp.status_code == 201, resp.content
    assert len(resp.json()["cluster_members"]) == 1
    undo = api.post(f"/api/v1/quality/merges/{resp.json()['cluster_members'][0]}/undo/")
    assert undo.status_code == 200
    assert not Party.objects.filter(merged_into__isnull=False).exists()


def test_the_api_wants_either_source_or_sources(three, api_for):
    kept, second, third = three
    body = {"survivor": kept.pk, "source": second.pk, "sources": [third.pk]}
    resp = api_for("steward").post("/api/v1/quality/merges/", body, format="json")
    assert resp.status_code == 400 and "sources" in resp.json()


@pytest.mark.parametrize(
    ("body", "admitted"),
    [
        ({"survivor": 1, "source": 2}, True),
        ({"survivor": 1, "sources": [2, 3]}, True),
        ({"survivor": 1, "source": 2, "sources": [3]}, False),
        ({"survivor": 1}, False),
    ],
)
def test_the_schema_wants_either_source_or_sources_too(body, admitted):
    from verbund.core.tests.openapi import admits

    assert admits("MergeRequestRequest", body) == admitted
