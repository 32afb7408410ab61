from verbund.quality.models import DedupeRun, DuplicateCandidate, MergeRecord


def test_a_steward_merges_and_undoes_through_the_api(org, api_for):
    a = org("Müller Bau GmbH", phone="")
    b = org("Mueller Bau GmbH", phone="0221 1234")
    api = api_for("steward")
    resp = api.post(
        "/api/v1/quality/merges/",
        {"source": b.pk, "survivor": a.pk, "values": {"phone": "0221 1234"}},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    merge_id = resp.json()["id"]
    assert api.post(f"/api/v1/quality/merges/{merge_id}/undo/").status_code == 200
    assert MergeRecord.objects.get(pk=merge_id).undone_at is not None


def test_a_viewer_cannot_merge(org, api_for):
    a, b = org("A GmbH"), org("B GmbH")
    assert (
        api_for("viewer")
        .post("/api/v1/quality/merges/", {"source": b.pk, "survivor": a.pk}, format="json")
        .status_code
        == 403
    )


def test_a_run_started_through_the_api_fills_the_review_queue(org, api_for, settings):
    org("Müller Bau GmbH", street="Hauptstraße 5", phone="0221 123456")
    org("Mueller Bau G.m.b.H.", street="Hauptstr. 5", phone="+49 221 123456")
    org("Schulz Optik KG", street="Ring 3")
    api = api_for("steward")
    resp = api.post(
        "/api/v1/quality/runs/", {"kind": "organisation", "threshold": 0.9}, format="json"
    )
    assert resp.status_code == 201, resp.content
    run = DedupeRun.objects.get(pk=resp.json()["id"])
    assert run.status == "done", run.error
    assert DuplicateCandidate.objects.count() == 1
    listed = api.get("/api/v1/quality/candidates/").json()["results"]
    assert listed[0]["evidence"] and listed[0]["cluster"]
    cid = listed[0]["id"]
    assert (
        api.post(
            f"/api/v1/quality/candidates/{cid}/not-duplicate/", {"note": "x"}, format="json"
        ).status_code
        == 200
    )
    assert api.get("/api/v1/quality/candidates/").json()["results"] == []
    # Detected again, the rejected pair is not proposed again.
    api.post("/api/v1/quality/runs/", {"kind": "organisation"}, format="json")
    assert api.get("/api/v1/quality/candidates/").json()["results"] == []


def test_similar_parties_are_offered_through_the_api(org, api_for):
    target = org("Müller Bau GmbH")
    resp = api_for("viewer").post(
        "/api/v1/quality/similar/", {"name": "Mueller Bau GmbH", "postcode": "50667"}, format="json"
    )
    assert resp.status_code == 200
    assert resp.json()["results"][0]["id"] == target.pk


def test_the_dedupe_command_prints_pairs_as_json(org, capsys):
    import json

    from django.core.management import call_command

    org("Müller Bau GmbH", street="Hauptstraße 5")
    org("Mueller Bau GmbH", street="Hauptstr. 5")
    call_command("dedupe", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["stats"]["pairs"] == 1
    assert out["pairs"][0]["evidence"]


def test_the_dedupe_command_names_both_parties_of_every_pair_it_prints(org, capsys):
    from django.core.management import call_command

    # Pairs of different strength, so the strongest ones printed are not simply the first found.
    org("Schmidt Logistik GmbH", city="Bonn", postcode="53111")
    org("Schmitt Logistik GmbH", city="Bonn", postcode="53111")
    org("Müller Bau GmbH", street="Hauptstraße 5", city="Köln", postcode="50667")
    org("Mueller Bau GmbH", street="Hauptstr. 5", city="Köln", postcode="50667")
    org("Weber Elektro KG", vat_id="DE136695976")
    org("Weber Elektro KG", vat_id="DE136695976")
    call_command("dedupe", "--limit", "2")
    lines = [line for line in capsys.readouterr().out.splitlines() if " ~ " in line]
    assert len(lines) == 2
    for line in lines:
        assert "''" not in line, line
