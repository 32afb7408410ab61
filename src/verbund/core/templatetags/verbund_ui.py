"""Template helpers: render extension sections with their own context, keep query strings."""

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from verbund.core.extensions import Section

register = template.Library()


@register.simple_tag(takes_context=True)
def render_section(context: template.Context, section: Section) -> SafeString:
    """Render a section's template with the page context plus the section's own context."""
    tmpl = get_template(section.template)
    flat: dict[str, Any] = dict(context.flatten())  # type: ignore[arg-type]
    flat.update(section.context)
    return mark_safe(tmpl.render(flat, context.get("request")))  # noqa: S308 - a rendered template


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (empty values removed)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    return params.urlencode()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (dicts, forms); None when absent."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


ACTION_LABELS = {
    "party.create": _("Created"),
    "party.update": _("Changed"),
    "party.archive": _("Archived"),
    "party.restore": _("Restored"),
    "party.merge": _("Merged"),
    "party.unmerge": _("Merge undone"),
    "relationship.create": _("Relationship added"),
    "relationship.update": _("Relationship changed"),
    "relationship.end": _("Relationship ended"),
    "activity.create": _("Activity logged"),
    "activity.update": _("Activity changed"),
    "relationship.reassign": _("Relationship moved by a merge"),
    "hierarchy.move": _("Moved in the hierarchy"),
    "revenue.record": _("Revenue recorded"),
    "revenue.delete": _("Revenue deleted"),
    "revenue.import": _("Revenue imported"),
    "quality.merge": _("Merged"),
    "quality.undo_merge": _("Merge undone"),
    "quality.not_duplicate": _("Marked as not a duplicate"),
    "compliance.screen_party": _("Screened against sanctions lists"),
    "compliance.hit_confirm": _("Sanctions hit confirmed"),
    "compliance.hit_dismiss": _("Sanctions hit dismissed"),
    "compliance.ownership": _("Ownership screening"),
    "compliance.merge_hits": _("Sanctions hits moved by a merge"),
    "compliance.unmerge_hits": _("Sanctions hits moved back"),
    "quality.reopen_pair": _("Duplicate suggestion reopened"),
}


@register.filter
def action_label(action: str) -> str:
    """A readable, translated name for an audit action; unknown actions show as recorded."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


HIDDEN_CHANGES = {"updated_at", "created_at", "search_text", "phonetic"}


@register.filter
def visible_changes(record: Any) -> list[tuple[str, object, object]]:
    """The changed fields of an audit record worth showing (timestamps and derived keys left out)."""
    return [c for c in record.changed_fields() if c[0] not in HIDDEN_CHANGES]
