"""The API takes JSON bodies (decision 0038): a form body cannot carry a batch's list of
records, so the API does not take one, and the schema lists only what it takes. The list
import, the one operation taking files, takes multipart and nothing else. Any other media
type is a 415 naming the ones taken, never a 500."""

import pytest

from verbund.core.tests.openapi import api_schema

FORM = ("application/x-www-form-urlencoded", b"kind=organisation&name=X+GmbH")
MULTIPART = (
    "multipart/form-data; boundary=xx",
    b'--xx\r\nContent-Disposition: form-data; name="name"\r\n\r\nX GmbH\r\n--xx--\r\n',
)
BROKEN_MULTIPART = ("multipart/form-data", b"no boundary")


def request_media_types() -> dict[tuple[str, str], list[str]]:
    return {
        (path, method): list(operation["requestBody"]["content"])
        for path, item in api_schema()["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "requestBody" in operation
    }


def test_the_schema_lists_json_bodies_only_but_for_the_file_upload():
    taken = request_media_types()
    assert taken.pop(("/api/v1/compliance/lists/import/", "post")) == ["multipart/form-data"]
    assert taken and all(types == ["application/json"] for types in taken.values()), {
        key: types for key, types in taken.items() if types != ["application/json"]
    }


def test_the_schema_s_415_names_what_the_operation_takes():
    paths = api_schema()["paths"]
    party = paths["/api/v1/parties/"]["post"]["responses"]["415"]["description"]
    upload = paths["/api/v1/compliance/lists/import/"]["post"]["responses"]["415"]["description"]
    assert "application/json" in party and "multipart" not in party
    assert "multipart/form-data" in upload and "application/json" not in upload


@pytest.mark.parametrize(
    ("content_type", "body"),
    [FORM, MULTIPART, BROKEN_MULTIPART, ("text/plain", b"X GmbH"), ("", b"{}")],
)
def test_a_body_that_is_not_json_is_a_415_naming_json(admin_api, content_type, body):
    response = admin_api.generic("POST", "/api/v1/parties/", body, content_type=content_type)
    assert response.status_code == 415, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["supported"] == ["application/json"]
    assert response.json()["detail"]


def test_a_sync_batch_as_a_form_is_a_415(api_for):
    response = api_for("steward").generic(
        "POST", "/api/v1/sync/parties", b"source=sap&records=x", content_type=FORM[0]
    )
    assert response.status_code == 415
    assert response.json()["supported"] == ["application/json"]


@pytest.mark.parametrize("content_type", ["application/json", FORM[0], "text/plain"])
def test_the_list_import_takes_multipart_only(admin_api, content_type):
    response = admin_api.generic(
        "POST",
        "/api/v1/compliance/lists/import/",
        b'{"format": "un-xml"}',
        content_type=content_type,
    )
    assert response.status_code == 415, response.content
    assert response.json()["supported"] == ["multipart/form-data"]


def test_a_broken_multipart_body_for_the_list_import_is_a_400(admin_api):
    response = admin_api.generic(
        "POST",
        "/api/v1/compliance/lists/import/",
        BROKEN_MULTIPART[1],
        content_type=BROKEN_MULTIPART[0],
    )
    assert response.status_code == 400
    assert response.json()["detail"]
