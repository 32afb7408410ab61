"""Privacy test helpers: a person with data in every place the CRM keeps it."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from verbund.activities.actions import do_create_activity
from verbund.compliance.models import Hit, HitStatus, SanctionsList
from verbund.interfaces import actions as interface_actions
from verbund.parties.actions import do_create_party, do_update_party
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.revenue.actions import do_record_revenue

NAME, FIRST, LAST = "Hannelore Quastwitz", "Hannelore", "Quastwitz"
EMAIL, PHONE = "h.quastwitz@beispiel-mail.de", "+49 221 9876543"
STREET = "Quittenweg 17"


@pytest.fixture
def run_import(db: Any, settings: Any, tmp_path: Path) -> Callable[..., Any]:
    settings.VERBUND_IMPORT_DIR = str(tmp_path / "imports")

    def go(text: str, source: str = "erp", **options: Any) -> Any:
        path = tmp_path / f"import-{len(list(tmp_path.iterdir()))}.csv"
        path.write_text(text, encoding="utf-8")
        run = interface_actions.do_create_run(
            actor=None, kind="parties", source=source, path=path, **options
        )
        interface_actions.do_execute_run(run)
        run.refresh_from_db()
        return run

    return go


@pytest.fixture
def world(db: Any, run_import: Callable[..., Any]) -> dict[str, Any]:
    """A group (holding over a sole trader's shop), a contact imported from the ERP at the
    shop, with activities, relationships, revenue, a dismissed screening hit and changes."""
    holding = do_create_party(actor=None, name="Quadro Holding AG", city="Köln")
    run = run_import(
        "id;kind;first_name;last_name;email;phone;street;city;postcode;legal_form;name\n"
        f"P1;person;{FIRST};{LAST};{EMAIL};{PHONE};{STREET};Köln;50667;;\n"
        f"S1;organisation;;;laden@quastwitz-laden.de;+49 221 1112223;Marktplatz 1;Bonn;53111;e.K.;Quastwitz Feinkost e.K.\n"
    )
    assert run.status == "done", run.report
    person = Party.objects.get(erp_source="erp", erp_id="P1")
    shop = Party.objects.get(erp_source="erp", erp_id="S1")
    do_update_party(person, actor=None, organisation=shop, position="Inhaberin",
                    birth_date=dt.date(1970, 3, 4))  # fmt: skip
    do_update_party(person, actor=None, phone=PHONE.replace("9876543", "9876544"))
    do_update_party(person, actor=None, phone=PHONE)
    do_create_relationship(actor=None, type="group", from_party=shop, to_party=holding, share=100)
    do_create_relationship(actor=None, type="contact", from_party=person, to_party=holding,
                           note=f"{FIRST} kennt den Vorstand")  # fmt: skip
    for month, amount in (("2026-01", "1200.00"), ("2026-02", "800.50")):
        do_record_revenue(actor=None, party=shop, month=month, amount=amount)
    do_create_activity(actor=None, party=person, subject=f"Anruf {NAME}",
                       text=f"Rückruf unter {PHONE} oder {EMAIL}")  # fmt: skip
    lst = SanctionsList.objects.create(key="test-list", name="Testliste", format="ofac")
    hit = Hit.objects.create(
        party=person,
        list=lst,
        entry_external_id="9",
        entry_hash="x",
        entry_name="Q. Hannelor",
        matched_name=NAME,
        score=0.81,
        party_fingerprint="f",
        status=HitStatus.DISMISSED,
        explanation={"matched": [LAST]},
        reason=f"Andere Person als {NAME}",
    )
    return {"holding": holding, "shop": shop, "person": person, "hit": hit, "run": run}
