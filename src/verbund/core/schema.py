"""The API schema says what the API does: every operation documents the error answers every
view can give (a refused body or parameter, no login, no permission, no such object or page,
a conflict, too many failed logins), each a JSON object naming what was wrong.

A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]);
schemathesis in .ci/schemathesis holds the API to the result.
"""

from typing import Any

ERRORS = {
    "400": "Bad input: the body names each refused field or parameter with its reasons.",
    "401": "Not logged in (no or an invalid token).",
    "403": "The caller's role may not do this.",
    "404": "No such object (or a cursor that is not one of ours).",
    "405": "The method is not offered here.",
    "409": "A conflict with data stored meanwhile.",
    "415": "The body's media type is not JSON, form or multipart.",
    "429": "Too many failed logins from this address; try again later.",
}
ERROR_BODY = {"type": "object", "additionalProperties": True}


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: Any) -> Any:
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, description in ERRORS.items():
                if code == "415" and method in ("get", "delete"):
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_BODY}},
                    },
                )
    return result
