"""The party list's rows (parties/tables.py): escaped, linked, labelled as the page shows them."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.parties.tables import party_rows

pytestmark = pytest.mark.django_db


def test_rows_escape_every_value_and_link_each_file(admin_user: Any) -> None:
    hostile = do_create_party(
        actor=admin_user,
        kind="organisation",
        name='<script>alert("x")</script> & Söhne',
        city="Köln <b>",
        postcode='5"0667',
        country="CH",
    )
    person = do_create_party(
        actor=admin_user, kind="person", first_name="Anna", last_name="O'Neil", country="DE"
    )
    with translation.override("de"):
        html = str(party_rows(Party.objects.filter(pk__in=[hostile.pk, person.pk]).order_by("pk")))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Söhne" in html
    assert "<td>5&quot;0667</td><td>Köln &lt;b&gt;</td>" in html
    assert f'<a href="{reverse("party-detail", args=[hostile.pk])}">' in html
    assert f'<a href="{reverse("party-detail", args=[person.pk])}">Anna O&#x27;Neil</a>' in html
    assert '<td title="CH">Schweiz</td>' in html
    assert html.count('<span class="badge">Person</span>') == 1
    assert html.count("<tr") == 2


def test_an_archived_party_is_marked_and_labels_follow_the_language(admin_user: Any) -> None:
    party = do_create_party(actor=admin_user, kind="person", last_name="Alt", country="FR")
    Party.objects.filter(pk=party.pk).update(archived=True)
    rows = Party.objects.filter(pk=party.pk)
    with translation.override("en"):
        html = str(party_rows(rows))
    assert html.startswith('<tr class="archived">')
    assert '<td title="FR">France</td>' in html
    with translation.override("de"):
        assert '<td title="FR">Frankreich</td>' in str(party_rows(rows))
