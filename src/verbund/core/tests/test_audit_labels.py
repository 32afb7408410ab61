"""How an app above core names its history records: ``core.audit.register_actions``."""

import pytest
from django.utils import translation

from verbund.core import audit


def test_a_registered_app_names_its_records_in_words_and_unknown_ones_by_family() -> None:
    with translation.override("de"):
        assert audit.action_label("followup.complete") == "Wiedervorlage erledigt"
        # An action the app did not list by itself falls back to its family's label.
        assert audit.action_label("followup.something_new") == "Wiedervorlage geändert"
        # Never the internal key.
        assert audit.action_label("nobody.knows") == "Geändert"


def test_an_app_cannot_relabel_another_apps_records() -> None:
    before = dict(audit.ACTION_LABELS)
    with pytest.raises(ValueError, match=r"party\.create"):
        audit.register_actions("followup", "x", {"party.create": "Hijacked"})
    assert before == audit.ACTION_LABELS
