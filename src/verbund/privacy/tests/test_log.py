"""The privacy role and its log."""

import re

from django.urls import reverse
from django.utils import translation

from verbund.core.roles import declared_permissions
from verbund.privacy.actions import log
from verbund.privacy.models import PrivacyLog


def test_the_privacy_role_may_export_erase_hold_and_run_retention_and_admin_too():
    perms = declared_permissions()
    for role in ("privacy", "admin"):
        for codename in (
            "export_personal_data",
            "erase_personal_data",
            "add_legalhold",
            "run_retention",
        ):
            assert ("privacy", codename) in perms[role] or role == "admin"
    assert ("privacy", "erase_personal_data") not in perms["viewer"]
    assert ("privacy", "erase_personal_data") not in perms["steward"]
    assert ("parties", "view_party") in perms["privacy"]


def test_the_privacy_log_keeps_who_when_which_party_id_which_article_and_why(db, make_user):
    officer = make_user("privacy")
    log(actor=officer, party_id=42, action="erase", article="art17", reason="Anfrage 2026-17")
    entry = PrivacyLog.objects.get()
    assert (entry.actor, entry.party_id, entry.action, entry.article) == (
        officer,
        42,
        "erase",
        "art17",
    )
    assert entry.reason == "Anfrage 2026-17"
    text_fields = {
        f.name
        for f in PrivacyLog._meta.concrete_fields
        if f.get_internal_type() in ("CharField", "TextField")
    }
    assert text_fields == {"action", "article", "reason"}


def log_parties(body: str) -> list[str]:
    """The texts of the log's party cells, tags left out."""
    import re

    return [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r'data-testid="log-party">(.*?)</td>', body, re.S)
    ]


def test_the_privacy_log_names_each_party_linked_to_its_file(db, client_for, person):
    erika = person("Erika", "Mustermann")
    log(actor=None, party_id=erika.pk, action="export", article="art15", reason="Anfrage 1")
    log(actor=None, party_id=987654, action="export", article="art15", reason="Anfrage 2")
    body = client_for("privacy").get(reverse("privacy-log")).content.decode()
    with translation.override("de"):
        unknown = translation.gettext("unknown party")
    assert log_parties(body) == [unknown, f"Erika Mustermann {erika.number}"]
    assert f'href="{reverse("party-detail", args=[erika.pk])}">Erika Mustermann<' in body
    assert f"#{erika.pk}<" not in body


def test_an_erased_party_is_named_as_its_erasure_left_it_never_by_its_old_name(
    db, client_for, person, make_user
):
    from verbund.parties.actions import do_update_party
    from verbund.privacy.actions import do_erase_party
    from verbund.privacy.rules import erased_name

    hanna = person("Hanna", "Quastwitz")
    do_erase_party(hanna, actor=make_user("privacy"), reason="Anfrage DS-2026-17")
    c = client_for("privacy")
    assert log_parties(c.get(reverse("privacy-log")).content.decode()) == [
        erased_name(hanna.number)
    ]
    # A name given to the archived record later is no name of the erased person either.
    hanna.refresh_from_db()
    do_update_party(hanna, actor=None, name="Neu Angelegt", first_name="Neu", last_name="Angelegt")
    body = c.get(reverse("privacy-log")).content.decode()
    assert log_parties(body) == [erased_name(hanna.number)]
    assert "Quastwitz" not in body and "Angelegt" not in body


def test_the_privacy_log_does_not_grow_with_its_entries_and_parties(
    db, client_for, person, monkeypatch
):
    from verbund.core.testing import assert_queries_stay, list_count_queries
    from verbund.privacy import views

    # Past the first page from the start: the count is one query both times.
    monkeypatch.setattr(views, "LOG_PAGE", 3)
    numbers = iter(range(100))

    def grow() -> None:
        for _ in range(4):
            who = person("Kontakt", f"Nr{next(numbers)}")
            log(actor=None, party_id=who.pk, action="export", article="art15", reason="Anfrage")

    grow()
    c = client_for("privacy")
    # session, user, permissions (user + groups), the page's entries with their actors, the
    # count (list_count_queries), the page's parties by name (one query)
    queries = assert_queries_stay(c, reverse("privacy-log"), grow)
    assert queries == 6 + list_count_queries()


def test_a_later_page_of_the_privacy_log_says_where_it_starts(db, client_for, person, monkeypatch):
    from verbund.privacy import views

    monkeypatch.setattr(views, "LOG_PAGE", 3)
    for i in range(5):
        who = person("Kontakt", f"Seite{i}")
        log(actor=None, party_id=who.pk, action="export", article="art15", reason="Anfrage")
    c = client_for("privacy")
    first = c.get(reverse("privacy-log")).content.decode()
    assert "3 von 5" in first
    link = re.search(r'href="\?([^"]*after=[^"]+)"', first)
    assert link is not None
    second = c.get(reverse("privacy-log") + "?" + link.group(1).replace("&amp;", "&"))
    assert "4\u20135 von 5" in second.content.decode()


def test_an_empty_privacy_log_says_so_in_german(db, client_for):
    with translation.override("de"):
        body = client_for("privacy").get(reverse("privacy-log"), HTTP_ACCEPT_LANGUAGE="de").content
    text = body.decode()
    assert 'data-testid="log-empty"' in text
    assert "Noch nichts protokolliert" in text
    assert 'data-testid="privacy-log"' not in text and "0 von 0" not in text


def test_a_later_page_past_the_last_entry_says_so_and_links_the_first(db, client_for):
    url = reverse("privacy-log")
    with translation.override("de"):
        text = client_for("privacy").get(f"{url}?after=x&seen=50").content.decode()
    assert "Keine weiteren Einträge." in text and f'href="{url}"' in text
    assert "Noch nichts protokolliert" not in text
