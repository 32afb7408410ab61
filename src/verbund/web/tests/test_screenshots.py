"""The documentation screenshots show real review work: the demo they are shot from has a
duplicate pair found by a duplicate run and a screening hit found by a screening run."""

import pytest

from verbund.compliance.models import Hit
from verbund.demo.showcase import build_demo
from verbund.parties.models import Party
from verbund.web.screenshots import review_data

pytestmark = pytest.mark.django_db


def test_the_screenshot_demo_has_a_duplicate_pair_found_by_a_run_and_a_hit_with_reasons():
    demo = build_demo()
    review = review_data(demo)

    names = {Party.objects.get(pk=review["a"]).name, Party.objects.get(pk=review["b"]).name}
    assert names == {"Müller Logistik GmbH", "Mueller Logistik GmbH"}
    hit = Hit.objects.get(pk=review["hit"])
    assert hit.party.name == "Nordstern Trading LLC"
    assert hit.run_id == review["screening_run"]
    assert hit.explanation, "the hit page shows why the names matched"
