"""The API's schema, generated once per process and language, and its documentation page
under the Content-Security-Policy.

Not in core.api: DRF imports that module while loading its settings, and drf-spectacular's
views import DRF's settings (a cycle).
"""

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.http import parse_header_parameters
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.settings import api_settings

# (language, API version, renderer) -> (body, content type, Content-Disposition).
_SCHEMAS: dict[tuple[str, str | None, type], tuple[bytes, str, str]] = {}


def clear_schemas(**_kwargs: Any) -> None:
    """Forget the served schemas (a test that changes settings generates them anew)."""
    _SCHEMAS.clear()


setting_changed.connect(clear_schemas)


class SchemaView(SpectacularAPIView):
    """``/api/schema/`` as drf-spectacular serves it, generated and rendered once per process
    for each language (the request's, or ``?lang=``), API version and format (YAML, JSON),
    then served from memory: it depends on the code and the settings only (``SERVE_PUBLIC``:
    not on who asks), and generating it took 0.35 s, the YAML another 0.15 s. The login is
    checked on every request as before (the view's permissions run first). A language or
    version the API does not know, or a media type parameter (``indent``), is served as
    before, uncached: a request cannot fill the memory with variants."""

    def _get_schema_response(self, request: Request) -> HttpResponseBase:
        version = self.api_version or request.version or self._get_version_parameter(request)
        renderer = request.accepted_renderer
        language = translation.get_language()
        if (
            language not in dict(settings.LANGUAGES)
            or (version is not None and version not in (api_settings.ALLOWED_VERSIONS or ()))
            or set(parse_header_parameters(request.accepted_media_type)[1]) - {"q"}
        ):
            return super()._get_schema_response(request)  # type: ignore[no-any-return]
        key = (language, version, type(renderer))
        if key not in _SCHEMAS:
            response = super()._get_schema_response(request)
            body = renderer.render(response.data, renderer.media_type, self.get_renderer_context())
            charset = renderer.charset
            media_type = renderer.media_type
            content_type = f"{media_type}; charset={charset}" if charset else media_type
            _SCHEMAS[key] = (body, content_type, response["Content-Disposition"])
        body, content_type, disposition = _SCHEMAS[key]
        answer = HttpResponse(body, content_type=content_type)
        answer["Content-Disposition"] = disposition
        return answer


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI whose script comes from a URL of its own (the split view) and whose page has
    no inline style (core/swagger_ui.html)."""

    template_name = "core/swagger_ui.html"
