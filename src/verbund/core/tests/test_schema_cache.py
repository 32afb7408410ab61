"""``/api/schema/`` is generated once per process, language, version and format
(core.apidocs.SchemaView) and served from memory after that: the same bytes drf-spectacular
serves, behind the same login."""

import json
from typing import Any

import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate

from verbund.core import apidocs

JSON = "application/vnd.oai.openapi+json"


@pytest.fixture
def generated(monkeypatch: Any) -> list[int]:
    """Counts the schemas generated from here on (starting from an empty cache)."""
    apidocs.clear_schemas()
    calls: list[int] = []
    original = SchemaGenerator.get_schema

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    return calls


def test_the_schema_is_generated_once_per_language_and_format(api_for: Any, generated: Any):
    client = api_for("viewer")
    first = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="de")
    again = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="de")
    assert first.status_code == again.status_code == 200 and len(generated) == 1
    assert first.content == again.content
    assert first["Content-Type"] == again["Content-Type"]
    assert again["Content-Type"].startswith("application/vnd.oai.openapi")
    assert 'filename="Verbund API.yaml"' in again["Content-Disposition"]
    # Another language and another format: each generated once more, then served too.
    english = client.get("/api/schema/", {"lang": "en"})
    as_json = client.get("/api/schema/", HTTP_ACCEPT=JSON, HTTP_ACCEPT_LANGUAGE="de")
    client.get("/api/schema/", {"lang": "en"})
    client.get("/api/schema/", HTTP_ACCEPT=f"{JSON};q=0.9", HTTP_ACCEPT_LANGUAGE="de")
    assert len(generated) == 3
    assert english.content != first.content
    assert json.loads(as_json.content) == yaml.safe_load(first.content)


def test_what_is_served_from_memory_is_what_drf_spectacular_serves(
    make_user: Any, generated: Any
) -> None:
    user = make_user("viewer", username="schema-reader")
    factory = APIRequestFactory()
    for language in ("de", "en"):
        for accept in ("application/vnd.oai.openapi", JSON):

            def served(view: Any) -> tuple[bytes, str, str]:
                request = factory.get(f"/api/schema/?lang={language}", HTTP_ACCEPT=accept)
                force_authenticate(request, user)
                response = view(request)
                if hasattr(response, "render"):
                    response.render()
                return response.content, response["Content-Type"], response["Content-Disposition"]

            ours = apidocs.SchemaView.as_view()
            assert served(ours) == served(ours) == served(SpectacularAPIView.as_view())


def test_a_served_schema_still_needs_a_login(api_for: Any, generated: Any) -> None:
    assert api_for("viewer").get("/api/schema/").status_code == 200
    assert APIClient().get("/api/schema/").status_code in (401, 403)


def test_unknown_variants_are_served_but_not_kept(api_for: Any, generated: Any) -> None:
    client = api_for("viewer")
    for _ in range(2):
        assert client.get("/api/schema/", {"lang": "xx"}).status_code == 200
        assert client.get("/api/schema/", {"version": "9"}).status_code == 200
        indented = client.get("/api/schema/", HTTP_ACCEPT=f"{JSON}; indent=2")
        assert indented.status_code == 200
    assert len(generated) == 6 and not apidocs._SCHEMAS
