"""Evidence of a duplicate pair in the reader's language: ``{% load quality_labels %}``, then
``{{ e|evidence_field }}`` and ``{{ e|evidence_level }}``.

A run stores its evidence with the labels of the language it ran in (the job worker's German);
the page looks the field and level up again by their keys, so an English reader reads "same
name", not "gleicher Name". Evidence whose comparison no longer exists keeps its stored label.
"""

from functools import cache
from typing import Any

from django import template

from verbund.quality.matching import COMPARISONS

register = template.Library()


@cache
def _labels() -> dict[tuple[str, str], tuple[Any, Any]]:
    found: dict[tuple[str, str], tuple[Any, Any]] = {}
    for comparison in COMPARISONS:
        for level in comparison.levels:
            found.setdefault((comparison.key, level.key), (comparison.label, level.label))
        found.setdefault((comparison.key, ""), (comparison.label, ""))
    return found


def _get(evidence: Any, key: str) -> Any:
    if isinstance(evidence, dict):
        return evidence.get(key, "")
    return getattr(evidence, key, "")


@register.filter
def evidence_field(evidence: Any) -> str:
    labels = _labels().get((str(_get(evidence, "field")), ""))
    return str(labels[0]) if labels else str(_get(evidence, "label"))


@register.filter
def evidence_level(evidence: Any) -> str:
    labels = _labels().get((str(_get(evidence, "field")), str(_get(evidence, "level"))))
    return str(labels[1]) if labels else str(_get(evidence, "level_label"))
