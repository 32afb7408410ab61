"""Who may use the sync API and read import runs: declarations for the role matrix."""

from verbund.core.testing import FORM_OK, STEWARDS, Page, Route, World
from verbund.interfaces.actions import do_sync

ROUTES = [
    Route(
        "sync-parties",
        "post",
        STEWARDS,
        body=lambda w: {"source": "sap", "records": [{"external_id": "K9", "name": "Neu GmbH"}]},
    ),
    Route(
        "sync-relationships",
        "post",
        STEWARDS,
        body=lambda w: {
            "source": "sap",
            "records": [{"type": "consultant", "from": "K1", "to": "K2"}],
        },
    ),
    Route(
        "sync-revenue",
        "post",
        STEWARDS,
        body=lambda w: {
            "source": "sap",
            "records": [{"party": "K1", "month": "2025-01", "amount": "10.00"}],
        },
    ),
    Route("import-run-list"),
    Route("import-run-detail", kwargs={"pk": "run"}),
]


def world() -> World:
    run, _outcome = do_sync(
        actor=None,
        kind="parties",
        source="sap",
        records=[{"external_id": "K1", "name": "A GmbH"}, {"external_id": "K2", "name": "B AG"}],
    )
    return {"run": run.pk}


ROUTES += [
    Page("import-page"),
    Page("import-page", "post", STEWARDS, body=lambda w: {"kind": "parties"}, ok=FORM_OK),
    Page("import-run", kwargs={"run_id": "run"}),
    Page("import-run-progress", kwargs={"run_id": "run"}),
    # The world's run waits for no confirmation: a steward is let through to find none (404).
    Page("import-run-confirm", "post", STEWARDS, kwargs={"run_id": "run"}, ok=(*FORM_OK, 404)),
]
