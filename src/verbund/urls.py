"""URL map: each domain app contributes UI routes (``<app>/urls.py``) and API routes
(``<app>/api.py`` with ``register(router)`` and optional ``urlpatterns``)."""

import importlib
from importlib.util import find_spec

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from verbund.core.api import Router
from verbund.core.apidocs import SchemaView, SwaggerView

DOMAIN_APPS = [
    "parties",
    "relationships",
    "hierarchies",
    "activities",
    "revenue",
    "followups",
    "interfaces",
    "quality",
    "compliance",
    "privacy",
    "selections",
    "web",
]

router = Router()
api_extra: list[URLPattern | URLResolver] = []
ui_patterns: list[URLPattern | URLResolver] = []
for app in DOMAIN_APPS:
    if find_spec(f"verbund.{app}.api"):
        module = importlib.import_module(f"verbund.{app}.api")
        if hasattr(module, "register"):
            module.register(router)
        api_extra += getattr(module, "urlpatterns", [])
    if find_spec(f"verbund.{app}.urls"):
        ui_patterns.append(path("", include(f"verbund.{app}.urls")))

urlpatterns = [
    path("api/v1/", include(api_extra)),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    *ui_patterns,
]
# The API answers JSON even where no view ran (no route matched, a request refused up front).
handler400 = "verbund.core.api.bad_request"
handler404 = "verbund.core.api.not_found"
