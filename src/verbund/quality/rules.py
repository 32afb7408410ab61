"""Rules of duplicate detection that several paths share (decision 0031).

Plain values in, a decision or a message out, so the bulk run (``bulk``), the training
(``training``), the CLI, the views and the actions all call the same rule:

- ``MIN_RECORDS`` and ``uses_trained_model``: a trained model is used (and training allowed)
  only from this many live records of a kind; below it the fixed weights hold.
- ``training_refusal``: the message when training is refused.
- ``threshold_error``: the message for a detection threshold that is no match probability
  (the run action, the CLI and the queue's form, whatever the language it was typed in).
- ``GATE_LEVELS``: the levels that only say a comparison does not apply (another town, another
  street), which keep their fixed weights too.
- ``BRANCH_LEVELS``: the comparison levels that say "another branch, not the same site" keep
  their fixed weights under a trained model: EM on a customer's data may learn that branches
  look alike (they do), but whether a branch is a duplicate is a rule, not an estimate.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# EM needs enough candidate pairs per level (the dedupe-examples halves: about 1,700
# organisations, 4,000 blocked pairs). Below it the fixed weights are the better guess.
MIN_RECORDS = 1_000

# (kind, comparison, level) that keep the fixed weight whatever the training estimates.
BRANCH_LEVELS: frozenset[tuple[str, str, str]] = frozenset(
    {
        ("organisation", "name", "chain"),  # one name at several addresses: a chain's branches
        ("organisation", "name", "numbers"),  # "Filiale 12" / "Filiale 14"
        ("organisation", "street", "other_house"),  # same street, other house number
        ("organisation", "house", "different"),
        # A number or mailbox at several addresses is a chain's or a group's (see matching).
        ("organisation", "phone", "switchboard"),
        ("organisation", "email", "shared"),
    }
)


def uses_trained_model(records: int) -> bool:
    """Whether a kind with ``records`` live records is scored with its trained model."""
    return records >= MIN_RECORDS


def training_refusal(records: int) -> str | None:
    """Why ``records`` live records of a kind cannot be trained on, or None."""
    if uses_trained_model(records):
        return None
    return _(
        "Training needs at least %(min)s live records of this kind; there are %(n)s. "
        "The fixed weights stay in use."
    ) % {
        "min": number_format(MIN_RECORDS, force_grouping=True),
        "n": number_format(records, force_grouping=True),
    }


# (comparison, level) that say "this comparison does not speak here": the street of another
# town, the house number in another street. Training keeps their fixed weights and estimates
# the comparison's other levels given that the pair is not at them (the house number given
# the same street), so that one agreement is not counted twice.
GATE_LEVELS: frozenset[tuple[str, str]] = frozenset({("street", "elsewhere"), ("house", "moved")})


def keeps_fixed_weight(kind: str, comparison: str, level: str | None) -> bool:
    """Whether training leaves this level's fixed weight alone (branch and gate levels)."""
    return (kind, comparison, level) in BRANCH_LEVELS or (comparison, level) in GATE_LEVELS


def threshold_error(threshold: float) -> str | None:
    """The message for a threshold that is no match probability (also NaN), else None."""
    if not 0 < threshold < 1:
        return _("The threshold is a probability between 0 and 1.")
    return None
