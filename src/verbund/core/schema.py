"""The API schema says what the API does: every operation documents the error answers every
view can give (a refused body or parameter, no login, no permission, no such object or page,
a conflict, too many failed logins), each a JSON object naming what was wrong.

A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]);
schemathesis in .ci/schemathesis holds the API to the result.

Request bodies of the serializers that refuse unknown fields (``StrictFieldsMixin``) say what
they take, no more: ``StrictRequestSchema`` below.
"""

from decimal import Decimal
from typing import Any

import django_filters
from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers

from verbund.core.api import ID_PATH_MAX, ID_PATTERN

ERRORS = {
    "400": "Bad input: the body names each refused field or parameter with its reasons.",
    "401": "Not logged in (no or an invalid token).",
    "403": "The caller's role may not do this.",
    "404": "No such object (or a cursor that is not one of ours).",
    "405": "The method is not offered here.",
    "409": "A conflict with data stored meanwhile.",
    # Per operation: the media types its request body lists (see ``unsupported``).
    "415": "",
    "429": "Too many failed logins from this address; try again later.",
}
ERROR_BODY = {"type": "object", "additionalProperties": True}


def integer(low: int, high: int) -> dict[str, Any]:
    """A query parameter's schema: a whole number from ``low`` to ``high``, the bounds the view
    refuses a value outside of with a 400 naming the parameter."""
    return {"type": "integer", "minimum": low, "maximum": high}


# An id in a path (``core.api.ID_PATTERN``; the route answers any other with 404).
ID_PATH = integer(1, ID_PATH_MAX)
ID_PATH_TEXT = f"An id: a whole number from 1 to {ID_PATH_MAX}; any other is a 404."


def path_ids(result: dict[str, Any], generator: Any, request: Any, public: Any) -> Any:
    """Every id in a path as what its route takes: a whole number from 1 to ``ID_PATH_MAX``
    (``core.api.ID_PATTERN``: at most 18 digits, no leading zero); any other is a 404.

    The router's ids (``lookup_value_regex``) and the ``<id:…>`` routes (``core.api.IdConverter``)
    both come out of drf-spectacular as text with the pattern; each becomes the one bounded
    integer. A postprocessing hook, as ``error_responses``."""
    as_text = {"type": "string", "pattern": f"^{ID_PATTERN}$"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("schema") == as_text:
                    parameter["schema"] = dict(ID_PATH)
                    parameter.setdefault("description", ID_PATH_TEXT)
    return result


def _messages_per_field(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: {"type": "array", "items": {"type": "string"}} for name in names}


def field_errors(*fields: str) -> dict[str, Any]:
    """The body of a refusal naming ``fields``, each with its messages (for an operation's own
    error answer, such as a 409 refusing a write because of stored data)."""
    return {"type": "object", "properties": _messages_per_field(fields), "required": list(fields)}


def conflict_fields(*fields: str) -> dict[str, Any]:
    """The body of a 409 refusing a write because of stored data (``core.errors.Conflict``):
    one or more of ``fields``, each with its messages, or ``non_field_errors`` for a refusal of
    the whole write (a later merge to undo first) or a race lost to another write on a database
    constraint (``core.api.exception_handler``)."""
    return {
        "type": "object",
        "properties": _messages_per_field((*fields, "non_field_errors")),
        "minProperties": 1,
        "additionalProperties": False,
    }


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: Any) -> Any:
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, description in ERRORS.items():
                if code == "415":
                    if method in ("get", "delete"):
                        continue
                    description = unsupported(operation)
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_BODY}},
                    },
                )
    return result


def unsupported(operation: dict[str, Any]) -> str:
    """The 415's description: the media types the operation takes (JSON, unless it names its
    own parsers, as a file upload does), which the answer also lists under ``supported``."""
    taken = list(operation.get("requestBody", {}).get("content", {})) or ["application/json"]
    return (
        f"The body's media type is not {' or '.join(taken)}; "
        "the answer lists the ones taken under `supported`."
    )


class StrictRequestSchema(OpenApiSerializerExtension):
    """The request schema of a ``StrictFieldsMixin`` serializer states what the serializer
    enforces and drf-spectacular leaves out:

    - no property beyond its fields (the mixin refuses any other with a 400);
    - a text field's ``max_length`` where ``rule_checked`` left the check to the action;
    - a list that may not be empty has at least one item;
    - a decimal given as text has at least one digit (drf-spectacular's pattern admits "",
      "-" and ".", which DRF refuses);
    - text has no NUL character, and text that may not be blank has a character other than
      whitespace (DRF trims it first): ``NO_NUL``, ``NOT_BLANK``;
    - what the domain's rules check beyond the field's type, where the serializer states it in
      ``request_schema``: keywords per property (``properties``: an enum, a pattern) and the
      rules that join several fields (``anyOf``/``oneOf``; not on a partial update).

    Responses keep drf-spectacular's schema: the mixin only checks what comes in.
    """

    target_class = "verbund.core.serializers.StrictFieldsMixin"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer(
            self.target, direction, bypass_extensions=True
        )
        if direction != "request":
            return schema
        serializer = force_instance(self.target)
        properties = schema.setdefault("properties", {})
        for name, field in serializer.fields.items():
            if name in properties:
                tighten(properties[name], field)
        extra = dict(getattr(serializer, "request_schema", {}))
        for name, keywords in extra.pop("properties", {}).items():
            properties[name] = {**properties[name], **keywords}
        if not getattr(serializer, "partial", False):
            # A partial update (PATCH) sends some fields; the stored ones fill in the rest.
            schema.update(extra)
        schema["additionalProperties"] = False
        return schema


# DRF's text fields refuse a NUL character (ProhibitNullCharactersValidator) and trim
# whitespace first, so text that may not be blank needs a character other than whitespace.
# Written with ``\x00``, never the character itself; no lookahead, which not every generator of
# examples takes.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^\s*[^\x00\s][^\x00]*$"


def tighten(prop: dict[str, Any], field: serializers.Field) -> None:
    """One field's request schema with the limits its serializer field enforces."""
    if isinstance(field, serializers.CharField) and field.max_length is not None:
        prop.setdefault("maxLength", field.max_length)
    if (
        isinstance(field, serializers.CharField)
        and prop.get("type") == "string"
        and not {"pattern", "format", "enum", "oneOf"} & set(prop)
        and any(isinstance(v, ProhibitNullCharactersValidator) for v in field.validators)
    ):
        # Added here, after drf-spectacular's own mapping: there a pattern on a text that may be
        # blank becomes a oneOf with the empty text, which "" would match twice. A pattern of
        # the field's own (a RegexField's) or a format (an e-mail address) is narrower.
        blank_refused = not field.allow_blank and field.trim_whitespace
        prop["pattern"] = NOT_BLANK if blank_refused else NO_NUL
    if (
        isinstance(field, serializers.SlugRelatedField)
        and prop.get("type") == "string"
        and "pattern" not in prop
    ):
        # A look-up by key (a relationship type): a NUL or blank text is in no key; the field
        # refuses it as it refuses any key it does not find.
        prop["pattern"] = NOT_BLANK
    if isinstance(field, serializers.ListField) and isinstance(prop.get("items"), dict):
        # Each item as its own field (tag names: text, no NUL, not blank).
        tighten(prop["items"], field.child)
    if isinstance(field, serializers.ListField) and not field.allow_empty:
        prop.setdefault("minItems", 1)
    if isinstance(field, serializers.DecimalField) and "pattern" in prop:
        whole = field.max_whole_digits
        places = field.decimal_places
        if whole is not None and places is not None and whole > 0 and places > 0:
            prop["pattern"] = rf"^-?(?:\d{{1,{whole}}}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"


def one_of(*values: Any) -> dict[str, Any]:
    """A property's schema in a ``request_schema`` alternative: one of ``values``. Wrapped in
    ``allOf`` because drf-spectacular's enum hook turns a property's own ``enum`` into a
    component named after the property, and two alternatives (``[true]``, ``[false]``) would
    share one name and so one, wrong, component."""
    return {"allOf": [{"enum": list(values)}]}


class BoundedFilters(DjangoFilterExtension):
    """The FilterSets' parameters with the bounds their fields enforce: a number filter's
    ``min_value`` and ``max_value`` (an id from 1 to ID_MAX, a level from 0 to MAX_DEPTH, a
    change of at least -100 %) and the largest value its ``max_digits`` admit (an amount below
    10^13 EUR), which drf-spectacular leaves out. Outranks drf-spectacular's own extension for
    django-filter (``priority``)."""

    priority = 1

    def resolve_filter_field(
        self, auto_schema: Any, model: Any, filterset_class: Any, field_name: str, filter_field: Any
    ) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        if not isinstance(filter_field, django_filters.NumberFilter):
            return parameters
        bounds = {
            keyword: filter_field.extra[bound]
            for keyword, bound in (("minimum", "min_value"), ("maximum", "max_value"))
            if filter_field.extra.get(bound) is not None
        }
        digits, places = (
            filter_field.extra.get("max_digits"),
            filter_field.extra.get("decimal_places"),
        )
        if digits is not None and places is not None:
            largest = float(Decimal(10) ** (digits - places) - Decimal(10) ** -places)
            bounds.setdefault("maximum", largest)
            bounds.setdefault("minimum", -largest)
        for parameter in parameters:
            for keyword, value in bounds.items():
                parameter["schema"].setdefault(keyword, value)
        return parameters
