"""Who may use the sync API and read import runs: declarations for the role matrix."""

from verbund.core.testing import STEWARDS, Route, World
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
