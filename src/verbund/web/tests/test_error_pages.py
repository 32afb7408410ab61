"""Error pages speak the user's language inside the application's frame: a 403 says which
permission is missing in words, a 404 that the record does not exist, both with the menu; a
500 renders without the request. Under /api/ the answers stay JSON."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_page_the_role_may_not_open_says_so_in_german_with_the_menu(client_for):
    answer = client_for("viewer").get("/privacy/log/")
    assert answer.status_code == 403
    page = answer.content.decode()
    assert "Keine Berechtigung" in page and 'data-testid="error-page"' in page
    assert 'data-testid="topmenu"' in page and "Forbidden" not in page


def test_an_unknown_record_is_a_german_page_and_english_in_english(client_for):
    client = client_for("viewer")
    answer = client.get("/parties/999999999/")
    assert answer.status_code == 404
    assert "Seite nicht gefunden" in answer.content.decode()
    english = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404 and "Page not found" in english.content.decode()
    assert "The requested resource" not in english.content.decode()


def test_the_api_keeps_answering_json(client_for):
    answer = client_for("viewer").get("/api/v1/no-such-list/")
    assert answer.status_code == 404 and answer.json() == {"detail": "Not found."}


def test_the_server_error_page_renders_without_a_request():
    with translation.override("de"):
        page = render_to_string("500.html")
    assert "Serverfehler" in page and "Zur Startseite" in page
