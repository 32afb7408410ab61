"""The API's documentation page under the Content-Security-Policy.

Not in core.api: DRF imports that module while loading its settings, and drf-spectacular's
views import DRF's settings (a cycle).
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI whose script comes from a URL of its own (the split view) and whose page has
    no inline style (core/swagger_ui.html)."""

    template_name = "core/swagger_ui.html"
