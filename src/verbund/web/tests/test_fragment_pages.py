"""A fragment URL opened directly (a bookmark, a reload, a link opened in a new tab) shows the
page frame; HTMX requests keep getting the bare fragment (#22 walk)."""

import pytest
from django.urls import reverse

from verbund.parties.actions import do_create_party

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def test_the_search_fragment_opened_directly_is_the_start_page_with_its_results(client_for):
    do_create_party(actor=None, kind="organisation", name="Taunus Software GmbH")
    c = client_for("viewer")
    page = c.get(reverse("search-results"), {"q": "Taunus"}).content.decode()
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert 'class="topbar"' in page and "Taunus Software GmbH" in page
    assert 'data-testid="search"' in page  # the start page's search box, filled in
    fragment = c.get(reverse("search-results"), {"q": "Taunus"}, **HX).content.decode()
    assert "Taunus Software GmbH" in fragment and "<html" not in fragment


def test_the_revenue_section_opened_directly_is_framed_and_stays_bare_for_htmx(client_for):
    party = do_create_party(actor=None, kind="organisation", name="Muster Handel GmbH")
    c = client_for("viewer")
    url = reverse("revenue-section", args=[party.pk])
    page = c.get(url, {"rev_year": "2025"})
    assert page.status_code == 200
    body = page.content.decode()
    assert body.lstrip().lower().startswith("<!doctype html>")
    assert 'class="topbar"' in body and 'id="revenue-section"' in body
    assert 'href="/static/web/verbund.css"' in body or "verbund.css" in body
    bare = c.get(url, {"rev_year": "2025"}, **HX).content.decode()
    assert bare.lstrip().startswith('<div id="revenue-section"')


def test_downloads_json_and_errors_are_never_wrapped(client_for):
    party = do_create_party(actor=None, kind="organisation", name="Muster Handel GmbH")
    c = client_for("viewer")
    csv = c.get(reverse("revenue-export", args=[party.pk, "csv"]))
    assert "<html" not in csv.content.decode()
    api = c.get(f"/api/v1/parties/{party.pk}/")
    assert api["Content-Type"].startswith("application/json")
