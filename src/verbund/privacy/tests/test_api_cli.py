"""The API and command twins of erasure and holds: same actions, clear refusals."""

import datetime as dt
from typing import Any

from verbund.core.testing import run_cli
from verbund.parties.models import Party
from verbund.privacy.tests.conftest import EMAIL

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()


def test_the_api_erases_refuses_under_a_hold_and_names_a_missing_reason(
    world: dict[str, Any], api_for: Any
) -> None:
    api = api_for("privacy")
    pid = world["person"].pk
    assert (
        api.post(
            f"/api/v1/parties/{pid}/hold/", {"until": TOMORROW, "reason": "Prüfung"}, format="json"
        ).status_code
        == 201
    )
    refused = api.post(f"/api/v1/parties/{pid}/erase/", {"reason": "DS-1"}, format="json")
    assert refused.status_code == 409 and "Prüfung" in refused.json()["non_field_errors"][0]
    missing = api.post(f"/api/v1/parties/{pid}/erase/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    bad = api.post(
        f"/api/v1/parties/{pid}/hold/", {"until": "morgen", "reason": "x"}, format="json"
    )
    assert bad.status_code == 400 and "until" in bad.json()
    assert api.post(
        f"/api/v1/parties/{pid}/hold/lift/", {"reason": "Ende"}, format="json"
    ).json() == {"lifted": 1}
    done = api.post(f"/api/v1/parties/{pid}/erase/", {"reason": "DS-1"}, format="json")
    assert done.status_code == 200 and done.json()["erased_keys"] == ["erp:P1"]
    assert Party.objects.get(pk=pid).email == ""


def test_an_editor_may_not_erase(world: dict[str, Any], api_for: Any) -> None:
    response = api_for("editor").post(
        f"/api/v1/parties/{world['person'].pk}/erase/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 403
    assert Party.objects.get(pk=world["person"].pk).email == EMAIL


def test_the_command_holds_refuses_and_erases(
    world: dict[str, Any], capsys: Any, english_cli: None, keep_test_connection: None
) -> None:
    ref = "erp:P1"
    code, out, err = run_cli(capsys, "privacy", "hold", ref, "--until", "soon", "--reason", "x")
    assert code != 0 and "--until" in err
    code, out, err = run_cli(
        capsys, "privacy", "hold", ref, "--until", TOMORROW, "--reason", "Rechtsstreit"
    )
    assert code == 0, err
    code, out, err = run_cli(capsys, "privacy", "erase", ref, "--reason", "DS-2")
    assert code == 1 and "Rechtsstreit" in err and "Traceback" not in err
    run_cli(capsys, "privacy", "lift", ref, "--reason", "Ende")
    code, out, err = run_cli(capsys, "privacy", "erase", ref, "--reason", "DS-2", "--dry-run")
    assert code == 0 and '"activities": 1' in out
    code, out, err = run_cli(capsys, "privacy", "erase", ref, "--reason", "DS-2")
    assert code == 0, err
    assert Party.objects.get(erp_id="P1").email == ""
    code, out, err = run_cli(capsys, "privacy", "release", ref, "--reason", "neu")
    assert code == 0 and "erp:P1" in out
