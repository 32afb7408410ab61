"""How many processes a screening run over many parties uses."""

import os

from django.test import override_settings

from verbund.compliance import screening


def test_a_run_uses_the_configured_workers_or_one_per_core_up_to_eight() -> None:
    with override_settings(VERBUND_SCREENING_WORKERS=3):
        assert screening.workers() == 3
    with override_settings(VERBUND_SCREENING_WORKERS=0):
        assert screening.workers() == min(8, os.cpu_count() or 1)
