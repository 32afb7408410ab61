"""Template helpers: render extension sections with their own context, keep query strings."""

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from verbund.core import audit, extensions
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
def list_actions(context: template.Context, list_name: str, query: str = "") -> SafeString:
    """The buttons other apps add beside a list's filters (``list_actions`` in
    ``verbund.<app>.sections``, see ``core.extensions``), each rendered as a section."""
    request = context.get("request")
    parts = [
        render_section(context, section)
        for hook in extensions.hooks("sections", "list_actions")
        for section in hook(request, list_name, query)
    ]
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates


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


@register.filter
def action_label(action: str) -> str:
    """A readable, translated name for an audit action (``core.audit.action_label``)."""
    return audit.action_label(action)
