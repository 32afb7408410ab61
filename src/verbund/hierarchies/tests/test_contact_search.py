"""The search among a member's contacts (``group.search_contacts``): the database filters the
contacts the pages list, by the party search's folded words, and stops after the limit."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from verbund.hierarchies import group
from verbund.parties.actions import do_archive_party, do_mark_merged
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db


def _names(found: group.ContactMatches) -> list[str]:
    return [p.display_name for p in found.parties]


def test_the_search_finds_the_contacts_the_pages_list_and_nobody_else(
    org: Callable[..., Party], person: Callable[..., Party]
) -> None:
    firm, other = org("Kunde AG"), org("Andere GmbH")
    filed = person("Hanna", "Händler", organisation=firm)
    linked = person("Hans", "Händel")
    do_create_relationship(actor=None, type="contact", from_party=linked, to_party=firm)
    ended = person("Heike", "Händler")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    do_create_relationship(
        actor=None, type="contact", from_party=ended, to_party=firm,
        valid_from=yesterday - dt.timedelta(days=30), valid_to=yesterday,
    )  # fmt: skip
    archived = person("Horst", "Händler", organisation=firm)
    do_archive_party(archived, actor=None)
    merged = person("Helga", "Händler", organisation=firm)
    do_mark_merged(merged, filed, actor=None)
    elsewhere = person("Henrik", "Händler", organisation=other)
    # Linked and filed at once: listed once.
    do_create_relationship(actor=None, type="contact", from_party=filed, to_party=firm)

    found = group.search_contacts(firm.pk, "hän", limit=50)
    listed = {r["id"] for r in group.contacts(firm.pk, member=firm.pk, size=50).rows}
    assert {p.pk for p in found.parties} == listed == {filed.pk, linked.pk}
    assert len(found.parties) == 2 and not found.more
    for p in (filed, linked, ended, archived, merged, elsewhere):
        assert group.is_contact(firm.pk, p.pk) == (p.pk in listed), p


def test_the_search_folds_as_the_party_search_and_matches_the_position(
    org: Callable[..., Party], person: Callable[..., Party]
) -> None:
    firm = org("Kunde AG")
    person("Jürgen", "Weiß", organisation=firm, position="Geschäftsführung")
    person("Hanna", "Schade", organisation=firm, position="Einkauf")
    person("Sören", "Groß", organisation=firm)
    assert _names(group.search_contacts(firm.pk, "weiss")) == ["Jürgen Weiß"]
    assert _names(group.search_contacts(firm.pk, "JUERGEN weiß")) == ["Jürgen Weiß"]
    assert _names(group.search_contacts(firm.pk, "Soren")) == []
    assert _names(group.search_contacts(firm.pk, "Sören groß")) == ["Sören Groß"]
    # A short word begins a word, as in the party search: "ha" is Hanna, not Schade.
    assert _names(group.search_contacts(firm.pk, "ha")) == ["Hanna Schade"]
    assert _names(group.search_contacts(firm.pk, "chad")) == ["Hanna Schade"]  # inner, from 3
    assert _names(group.search_contacts(firm.pk, "einkauf")) == ["Hanna Schade"]
    assert _names(group.search_contacts(firm.pk, "Geschäftsf")) == ["Jürgen Weiß"]
    for nothing in ("", "  ", "·", "%", "_"):
        assert group.search_contacts(firm.pk, nothing) == group.ContactMatches([], False)


def test_the_search_stops_at_the_limit_by_name_and_says_there_are_more(
    org: Callable[..., Party], person: Callable[..., Party], django_assert_num_queries: Any
) -> None:
    firm = org("Kunde AG")
    for i in (3, 1, 2, 5, 4):
        person("Anna", f"Müller{i}", organisation=firm)
    with django_assert_num_queries(1):  # the contact types read in the same statement
        found = group.search_contacts(firm.pk, "mueller", limit=3)
    assert _names(found) == ["Anna Müller1", "Anna Müller2", "Anna Müller3"] and found.more
    everyone = group.search_contacts(firm.pk, "Müller", limit=5)
    assert len(everyone.parties) == 5 and not everyone.more


def test_the_position_is_folded_as_the_name_and_found_without_the_umlauts_too(
    org: Callable[..., Party], person: Callable[..., Party], django_assert_num_queries: Any
) -> None:
    firm = org("Kunde AG")
    person("Jürgen", "Weiß", organisation=firm, position="Geschäftsführer")
    person("Hanna", "Schade", organisation=firm, position="Leiterin Einkauf/Qualitätssicherung")
    person("Sören", "Groß", organisation=firm, position="Steuerprüfer")
    for typed in ("geschaeftsfuehrer", "Geschaftsfuhrer", "GESCHÄFTSFÜHRER", "schäftsf", "fuhr"):
        with django_assert_num_queries(1):
            assert _names(group.search_contacts(firm.pk, typed)) == ["Jürgen Weiß"], typed
    # A short word begins a word, after a slash too; the words may be name and position.
    assert _names(group.search_contacts(firm.pk, "qu")) == ["Hanna Schade"]
    assert _names(group.search_contacts(firm.pk, "schade qualitaet")) == ["Hanna Schade"]
    assert _names(group.search_contacts(firm.pk, "eu")) == []
    assert _names(group.search_contacts(firm.pk, "steuerpruefer")) == ["Sören Groß"]
    assert _names(group.search_contacts(firm.pk, "Steuerprufer")) == ["Sören Groß"]
    assert _names(group.search_contacts(firm.pk, "weiß einkauf")) == []


def test_a_title_typed_with_the_name_finds_the_person_with_that_title(
    org: Callable[..., Party], person: Callable[..., Party]
) -> None:
    firm = org("Kunde AG")
    person("Hanna", "Müller", organisation=firm, title="Dr.")
    person("Hans", "Müller", organisation=firm)
    person("Eva", "Berg", organisation=firm, title="Prof. Dr.-Ing.", position="Beirat")
    assert _names(group.search_contacts(firm.pk, "Dr. Müller")) == ["Dr. Hanna Müller"]
    assert _names(group.search_contacts(firm.pk, "dr mueller")) == ["Dr. Hanna Müller"]
    assert _names(group.search_contacts(firm.pk, "Müller")) == ["Dr. Hanna Müller", "Hans Müller"]
    assert _names(group.search_contacts(firm.pk, "Prof. Berg")) == ["Prof. Dr.-Ing. Eva Berg"]
    assert _names(group.search_contacts(firm.pk, "ing beirat")) == ["Prof. Dr.-Ing. Eva Berg"]
    found = _names(group.search_contacts(firm.pk, "Dr"))
    assert found == ["Prof. Dr.-Ing. Eva Berg", "Dr. Hanna Müller"]  # by name: Berg, Müller
