"""Login is required everywhere; session and token auth; `verbund token create`; the OpenAPI
schema and the Swagger UI served from local static files."""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from verbund.core.models import AuditRecord
from verbund.core.tests.cli import run_cli

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Verbund-2026"


# --- tokens -------------------------------------------------------------------------------------


def test_token_create_prints_a_token_that_opens_the_api(make_user, capsys):
    make_user("viewer", username="erika")
    code, out, err = run_cli(capsys, "token", "create", "erika")
    assert code == 0, err
    key = out.strip()
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/parties/")
    assert response.status_code == 200
    assert response.wsgi_request.user.username == "erika"
    assert AuditRecord.objects.filter(action="token.create", note="erika").exists()


def test_token_create_is_idempotent_and_rotate_replaces_the_token(make_user, capsys):
    make_user("viewer", username="erika")
    first = run_cli(capsys, "token", "create", "erika")[1].strip()
    assert run_cli(capsys, "token", "create", "erika")[1].strip() == first
    rotated = run_cli(capsys, "token", "create", "erika", "--rotate")[1].strip()
    assert rotated != first
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert old.get("/api/v1/parties/").status_code in (401, 403)
    new = APIClient()
    new.credentials(HTTP_AUTHORIZATION=f"Token {rotated}")
    assert new.get("/api/v1/parties/").status_code == 200


def test_token_create_for_an_unknown_user_exits_non_zero_without_a_traceback(capsys):
    code, out, err = run_cli(capsys, "token", "create", "nobody-here")
    assert code != 0 and out == ""
    assert "nobody-here" in err and "Traceback" not in err


def test_a_token_of_a_user_without_a_role_is_refused(make_user, capsys):
    make_user(None, username="norole")
    key = run_cli(capsys, "token", "create", "norole")[1].strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/parties/").status_code == 403


def test_a_wrong_token_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/v1/parties/")
    # 403 rather than 401 because session authentication comes first and sends no challenge.
    assert response.status_code in (401, 403) and "token" in response.json()["detail"].lower()
    assert Token.objects.count() == 0


# --- sessions -------------------------------------------------------------------------------------


def test_a_logged_in_session_opens_the_api(make_user):
    make_user("viewer", username="erika")
    client = APIClient()
    assert client.login(username="erika", password=PASSWORD)
    assert client.get("/api/v1/parties/").status_code == 200


def test_session_writes_need_the_csrf_token(make_user):
    make_user("editor", username="erika")
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="erika", password=PASSWORD)
    response = client.post("/api/v1/parties/", {"name": "X GmbH"}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_anonymous_api_requests_get_401_or_403():
    for url in ("/api/v1/parties/", "/api/v1/relationships/", "/api/v1/relationship-types/"):
        assert APIClient().get(url).status_code in (401, 403), url


def test_ui_paths_redirect_anonymous_users_to_the_login_page(client):
    try:
        login = reverse("login")
    except NoReverseMatch:  # pragma: no cover - the web app provides the login page
        pytest.skip("no login page installed")
    for path in ("/", "/admin/", "/some/ui/page/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(login)


# --- schema and docs ------------------------------------------------------------------------------


@pytest.fixture
def viewer_client(make_user):
    make_user("viewer", username="erika")
    client = APIClient()
    client.login(username="erika", password=PASSWORD)
    return client


def test_the_schema_is_served_as_openapi_with_the_core_endpoints(viewer_client):
    response = viewer_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/parties/",
        "/api/v1/parties/{id}/",
        "/api/v1/parties/{id}/relationships/",
        "/api/v1/relationship-types/",
        "/api/v1/relationships/",
        "/api/v1/relationships/{id}/end/",
    ):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/relationships/"]["get"]["parameters"]}
    assert {"type", "party", "valid_on", "cursor", "ordering", "search"} <= params


def test_the_schema_generates_without_errors_or_warnings():
    # Every app's, enum naming included: a choice set two fields share ("kind", "status",
    # "source") gets a hashed name ("StatusC7fEnum") that changes with its values, unless
    # SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] names it.
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    GENERATOR_STATS.silent = True
    try:
        schema = SchemaGenerator().get_schema(request=None, public=True)
        validate_schema(schema)
        messages = [*GENERATOR_STATS._error_cache, *GENERATOR_STATS._warn_cache]
    finally:
        GENERATOR_STATS.silent = False
        GENERATOR_STATS.reset()
    assert messages == []


def test_the_docs_page_loads_swagger_ui_from_local_static_files_only(viewer_client):
    response = viewer_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert any("swagger-ui" in a for a in assets), assets
    for asset in assets:
        # The page's own start script comes from the page's URL (no inline script under the
        # Content-Security-Policy).
        assert asset.startswith(("/static/", "/api/docs/?script=")), asset
    # And the files are there, served locally.
    for asset in assets:
        served = viewer_client.get(asset)
        assert served.status_code == 200, asset
        if hasattr(served, "streaming_content"):
            b"".join(served.streaming_content)  # close the file
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_need_a_login(url):
    assert APIClient().get(url).status_code in (401, 403)
