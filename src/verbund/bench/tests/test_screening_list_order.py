"""Issue #19, eleventh pass (decision 0008 point 24): the order in which the lists name their
entries decides no score. A canonical word stands for every spelling the lists write it in;
the rules that read a list word as written read the spelling nearest the party's word, never
merely the one listed first, so a new list version that only reorders entries changes no hit."""

import os
import random
from pathlib import Path

import pytest

from verbund.compliance.matching import Query
from verbund.compliance.matching_spelling import nearest_spelling

_ROOT = os.environ.get("VERBUND_DATA_DIR", "")
DATA = Path(_ROOT) / "sanctions"


def test_the_nearest_spelling_does_not_depend_on_the_order_the_lists_give() -> None:
    spellings = ("yousuf", "yusuf", "yousouf", "yoosuf")
    picks = {
        nearest_spelling("youssef", "iussef", order, "iusuf")[1]
        for order in (spellings, spellings[::-1], spellings[1:] + spellings[:1])
    }
    assert picks == {"yousuf"}
    # A tie goes to the spelling itself, not to its place.
    assert nearest_spelling("abc", "abc", ("abd", "abe"), "abd") == nearest_spelling(
        "abc", "abc", ("abe", "abd"), "abd"
    )


@pytest.mark.skipif(
    not _ROOT or not DATA.is_dir(),
    reason="real sanctions data not available (set VERBUND_DATA_DIR)",
)
def test_the_real_lists_reversed_give_every_drawn_name_the_same_scores() -> None:
    from verbund.bench.screening import build_index, load_real_lists
    from verbund.bench.screening_names import immigrant_name

    entries = load_real_lists(DATA)
    forward, backward = build_index(entries), build_index(entries[::-1])
    rng = random.Random(5)
    compared = 0
    # Arabic names first and most: their words have the most spellings on the lists.
    for origin, n in (("arabic", 1500), ("persian", 300), ("slavic", 300), ("turkish", 200)):
        for _ in range(n):
            kind, name, given, family = immigrant_name(origin, rng)
            query = Query(kind=kind, names=[name], country="DE", given=given, family=family)
            got = [{(m.entry.name, round(m.score, 3)) for m in index.screen(query, 0.5)}
                   for index in (forward, backward)]  # fmt: skip
            assert got[0] == got[1], name
            compared += bool(got[0])
    # The draw reaches list names at all: a test of nothing would pass as well.
    assert compared > 50
