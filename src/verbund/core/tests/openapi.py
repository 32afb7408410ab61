"""The generated OpenAPI schema for tests, and whether one of its request bodies admits a
given body (jsonschema, with the schema's own components for ``$ref``)."""

from functools import cache
from typing import Any

from jsonschema import Draft7Validator


@cache
def api_schema() -> dict[str, Any]:
    """The schema as ``/api/schema/`` serves it in English (generated once per test process:
    in the language a test happened to leave active, its texts changed with the tests' order)."""
    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator

    with translation.override("en"):
        return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]


def component(name: str) -> dict[str, Any]:
    return api_schema()["components"]["schemas"][name]  # type: ignore[no-any-return]


def admits(name: str, body: Any) -> bool:
    """Whether the component ``name`` admits ``body``."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": api_schema()["components"]}
    return Draft7Validator(schema).is_valid(body)


def parameter(path: str, method: str, name: str) -> dict[str, Any]:
    """The schema of the operation's query parameter ``name``."""
    for param in api_schema()["paths"][path][method]["parameters"]:
        if param["name"] == name:
            return param["schema"]  # type: ignore[no-any-return]
    raise KeyError(name)
