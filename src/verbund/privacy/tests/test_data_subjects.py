"""Who is a data subject: persons, and organisations whose legal form makes them sole traders
(the actions, the demo data and the ERP import set the mark from the legal form alike)."""

from typing import Any

import pytest

from verbund.demo.actions import do_load_demo
from verbund.parties.actions import do_create_party, do_update_party
from verbund.parties.models import Party
from verbund.parties.rules import is_data_subject, is_sole_trader


@pytest.mark.parametrize("form", ["e.K.", "e. K.", "e.Kfm.", "e.Kfr.", "Einzelunternehmen", "EK"])
def test_sole_trader_legal_forms_are_recognised_however_written(form: str) -> None:
    assert is_sole_trader("organisation", form)


@pytest.mark.parametrize("form", ["GmbH", "KG", "GmbH & Co. KG", "eG", "AG", ""])
def test_companies_are_not_sole_traders(form: str) -> None:
    assert not is_sole_trader("organisation", form)


def test_persons_are_data_subjects_and_companies_only_as_sole_traders() -> None:
    assert is_data_subject("person", False)
    assert is_data_subject("organisation", True)
    assert not is_data_subject("organisation", False)


def test_the_actions_set_the_mark_from_the_legal_form(db: Any) -> None:
    party = do_create_party(actor=None, name="Bäckerei Kranz e.K.", legal_form="e.K.")
    assert party.sole_trader
    party = do_update_party(party, actor=None, legal_form="GmbH")
    assert not Party.objects.get(pk=party.pk).sole_trader


def test_the_erp_import_sets_the_mark(world: dict[str, Any], run_import: Any) -> None:
    assert Party.objects.get(erp_id="S1").sole_trader
    assert not Party.objects.get(erp_id="P1").sole_trader
    run = run_import("id;name;legal_form\nS1;Quastwitz Feinkost GmbH;GmbH\n")
    assert run.status == "done", run.report
    assert not Party.objects.get(erp_id="S1").sole_trader
    run_import("id;name;legal_form\nS1;Quastwitz Feinkost e.Kfr.;e.Kfr.\n")
    assert Party.objects.get(erp_id="S1").sole_trader


def test_the_demo_data_marks_its_sole_traders(db: Any) -> None:
    do_load_demo(size=400, seed=3)
    marked = set(Party.objects.filter(sole_trader=True).values_list("legal_form", flat=True))
    assert marked == {"e.K."}
    assert not Party.objects.filter(legal_form="e.K.", sole_trader=False).exists()
