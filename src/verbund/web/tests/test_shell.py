"""The shell: login, the start page with its search, the language switch."""

import pytest
from django.urls import reverse

from verbund.core.models import UserProfile

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/parties/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200


def test_every_page_names_its_icon_so_no_browser_asks_for_a_missing_one(client):
    from django.contrib.staticfiles import finders

    body = text(client.get("/accounts/login/"))
    assert 'rel="icon"' in body and "web/favicon.svg" in body
    assert finders.find("web/favicon.svg")


def test_every_button_with_white_text_has_a_hover_of_its_own():
    # .btn:hover lays a light grey under the label; a filled button's white label vanished.
    import re
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("web/verbund.css")).read_text()
    filled = set(re.findall(r"\.(btn-[a-z]+) \{[^}]*color: #fff", css))
    assert filled >= {"btn-primary", "btn-danger"}
    for name in filled:
        assert re.search(rf"\.{name}:hover \{{[^}}]*background:", css), name


def test_the_login_form_logs_a_user_in(client, make_user):
    make_user("viewer", username="erika")
    response = client.post("/accounts/login/", {"username": "erika", "password": "pw-Verbund-2026"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_search_tolerates_typos_and_ae_spellings(client_for, group):
    c = client_for("viewer")
    body = text(c.get(reverse("search-results"), {"q": "Mueller Handl Sued"}))
    assert "Müller Handel Süd GmbH" in body
    assert (
        body.index("Müller Handel Süd GmbH") < body.index("Müller Holding AG")
        if "Müller Holding AG" in body
        else True
    )


def test_the_search_finds_by_number_vat_id_and_city(client_for, group):
    c = client_for("viewer")
    assert "Müller Logistik GmbH" in text(
        c.get(reverse("search-results"), {"q": group["logistik"].number})
    )
    assert "Müller Handel GmbH" in text(c.get(reverse("search-results"), {"q": "DE 234567891"}))
    assert "Müller Logistik GmbH" in text(c.get(reverse("search-results"), {"q": "Hamburg"}))


def test_the_start_page_lists_recently_opened_files(client_for, group):
    c = client_for("viewer")
    c.get(reverse("party-detail", args=[group["nord"].pk]))
    c.get(reverse("party-detail", args=[group["sued"].pk]))
    body = text(c.get("/"))
    assert body.index("Müller Handel Süd GmbH") < body.index("Müller Handel Nord GmbH")


def test_switching_to_english_is_stored_for_the_user(client_for, group):
    c = client_for("viewer")
    assert "Beziehungen" in text(c.get(reverse("party-detail", args=[group["handel"].pk])))
    response = c.post(
        reverse("set-language"), {"language": "en", "next": f"/parties/{group['handel'].pk}/"}
    )
    assert response.status_code == 302
    assert UserProfile.objects.get(user__username="web-viewer").language == "en"
    body = text(c.get(reverse("party-detail", args=[group["handel"].pk])))
    assert "Relationships" in body and "is a subsidiary of" in body


def test_the_language_switch_refuses_foreign_redirects(client_for):
    response = client_for("viewer").post(
        reverse("set-language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
