"""The overview's bars name each group in the label column left of the bars: a long name is
cut to what the column holds, the tooltip keeps it whole."""

import re

from verbund.revenue.charts import LABEL_CHARS, ranking_bars


def test_a_long_name_is_cut_to_what_the_label_column_holds_and_kept_whole_in_the_tooltip():
    name = "Agricon Beteiligungsgesellschaft mbH"
    svg = str(ranking_bars([(name, 1_530_046_271, 1_520_366_890)], title="Top 20"))
    label = re.search(r'text-anchor="end">([^<]*)</text>', svg)
    assert label is not None
    # 30 characters of 12-unit text ran past the column's left edge at 1,024 px.
    assert label.group(1) == "Agricon Beteiligungsgesel…" and len(label.group(1)) <= 26
    assert LABEL_CHARS == 26
    assert f"<title>{name}: " in svg
    short = str(ranking_bars([("Koch Holding AG", 100, 90)], title="Top 20"))
    assert 'text-anchor="end">Koch Holding AG</text>' in short
