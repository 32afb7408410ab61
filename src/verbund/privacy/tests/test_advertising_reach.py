"""The advertising selection is a mailing list for its channel: only parties the channel reaches
(post: street, postcode and city; e-mail: an address; phone: a number), none compliance blocks,
none who objected; the page and the export's last line say how many each reason left out."""

import csv
import io
from typing import Any

import pytest
from django.utils import translation

from verbund.compliance.actions import do_recompute_ownership
from verbund.compliance.models import Hit, HitStatus, ListKind, OwnershipFlag, SanctionsList
from verbund.compliance.selectors import is_blocked
from verbund.core.testing import assert_queries_stay, list_count_queries
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.privacy import rules
from verbund.privacy.actions import do_record_consent
from verbund.privacy.models import Channel
from verbund.privacy.selectors import advertising_selection

FULL = {"street": "Domkloster 4", "postcode": "50667", "city": "Köln",
        "email": "post@beispiel.de", "phone": "+49 221 100"}  # fmt: skip


def _party(name: str, **fields: Any) -> Party:
    # Sole traders: data subjects, who may object to advertising.
    return do_create_party(
        actor=None, name=name, legal_form="e.K.", **{**FULL, "city": "Reichweite", **fields}
    )


def _hit(party: Party, status: str, kind: str = ListKind.SANCTIONS) -> Hit:
    lst, _ = SanctionsList.objects.get_or_create(
        key=f"test-{kind}", defaults={"name": f"Testliste {kind}", "format": "ofac", "kind": kind}
    )
    return Hit.objects.create(
        party=party, list=lst, entry_external_id=f"E{party.pk}", entry_hash="x",
        entry_name=party.name, matched_name=party.name, score=0.95, party_fingerprint="f",
        status=status, explanation={},
    )  # fmt: skip


@pytest.fixture
def mailing(db: Any) -> dict[str, Party]:
    """Parties reachable on every channel, each missing one thing or blocked in one way, and
    some that compliance knows but does not block."""
    parties = {
        "full": _party("Voll e.K."),
        "no_email": _party("Ohne Mail e.K.", email=""),
        "no_street": _party("Ohne Straße e.K.", street=""),
        "no_postcode": _party("Ohne PLZ e.K.", postcode=""),
        "no_phone": _party("Ohne Telefon e.K.", phone=""),
        "nothing": _party("Ohne alles e.K.", street="", postcode="", email="", phone=""),
        "sanctioned": _party("Gesperrt e.K."),
        "owned": _party("Tochter der Gesperrten e.K."),
        "pending": _party("Zweitprüfung e.K."),
        "pep": _party("PEP Bekannt e.K."),
        "dismissed": _party("Fehltreffer e.K."),
    }
    _hit(parties["sanctioned"], HitStatus.CONFIRMED)
    _hit(parties["pending"], HitStatus.PENDING)
    _hit(parties["pep"], HitStatus.CONFIRMED, ListKind.PEP)
    _hit(parties["dismissed"], HitStatus.DISMISSED)
    # Owned 60 % by the sanctioned holding: blocked through ownership (compliance's flag).
    from verbund.relationships.actions import do_create_relationship

    do_create_relationship(actor=None, type="group", from_party=parties["owned"],
                           to_party=parties["sanctioned"], share=60)  # fmt: skip
    do_recompute_ownership(actor=None)
    assert OwnershipFlag.objects.filter(party=parties["owned"]).exists()
    return parties


def _chosen(channel: str) -> set[str]:
    selection = advertising_selection(Party.objects.filter(city="Reichweite"), channel)
    names = {p.name for p in selection.parties}
    assert names == {row[1] for row in selection.rows()}  # the page's sample is the export's
    return names


ALLOWED = {"Voll e.K.", "Zweitprüfung e.K.", "PEP Bekannt e.K.", "Fehltreffer e.K."}


def test_each_channel_chooses_only_whom_it_reaches(mailing: dict[str, Party]) -> None:
    assert _chosen("email") == ALLOWED | {"Ohne Straße e.K.", "Ohne PLZ e.K.", "Ohne Telefon e.K."}
    assert _chosen("post") == ALLOWED | {"Ohne Mail e.K.", "Ohne Telefon e.K."}
    assert _chosen("phone") == ALLOWED | {"Ohne Mail e.K.", "Ohne Straße e.K.", "Ohne PLZ e.K."}


def test_every_channel_says_what_reaches_a_party_on_it() -> None:
    assert set(rules.REACH_FIELDS) == set(Channel.values) == set(rules.UNREACHABLE_LABELS)


def test_the_selection_leaves_out_whom_compliance_blocks_and_no_one_else(
    mailing: dict[str, Party],
) -> None:
    # The rule is compliance's (is_blocked); the selection asks it in SQL and must agree.
    chosen = _chosen("email") | _chosen("post") | _chosen("phone")
    for key, party in mailing.items():
        if key != "nothing":
            assert (party.name not in chosen) == is_blocked(party.pk), key
    assert {k for k, p in mailing.items() if is_blocked(p.pk)} == {"sanctioned", "owned"}


def test_the_selection_says_how_many_each_reason_left_out_each_party_once(
    mailing: dict[str, Party],
) -> None:
    # An objector without an e-mail address counts once, as an objection.
    do_record_consent(mailing["no_email"], actor=None, channel="post", purpose="advertising",
                      status="objected")  # fmt: skip
    do_record_consent(mailing["sanctioned"], actor=None, channel="post", purpose="advertising",
                      status="objected")  # fmt: skip
    parties = Party.objects.filter(city="Reichweite")
    email = advertising_selection(parties, "email")
    assert (email.total, email.left_out, email.blocked, email.unreachable) == (7, 2, 1, 1)
    assert not email.unreachable_capped
    assert email.exact_unreachable() == 1  # "nothing"; "no_email" objected
    post = advertising_selection(parties, "post")
    assert (post.total, post.left_out, post.blocked, post.unreachable) == (5, 2, 1, 3)
    assert post.total + post.left_out + post.blocked + post.unreachable == len(mailing)


def test_the_page_and_the_export_say_why_they_left_parties_out(
    mailing: dict[str, Party], client: Any, make_user: Any
) -> None:
    client.force_login(make_user("privacy"))
    with translation.override("de"):
        page = client.get("/privacy/advertising/", {"channel": "email"}).content.decode()
        response = client.get("/privacy/advertising.csv", {"channel": "email"})
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()),
                               delimiter=";"))  # fmt: skip
    assert "7 Adressen ausgewählt (Kanal: E-Mail)." in page
    blocked = "wegen Sanktionen gesperrt (bestätigter Treffer oder Eigentum gesperrter Adressen)"
    assert f"{blocked}: 2" in page
    assert "keine E-Mail-Adresse: 2" in page
    names = [r[1] for r in rows[1:-1]]
    assert sorted(names) == sorted(ALLOWED | {"Ohne Straße e.K.", "Ohne PLZ e.K.",
                                              "Ohne Telefon e.K."})  # fmt: skip
    assert all(r[6] for r in rows[1:-1])  # every row has its e-mail address
    assert rows[-1] == [
        "Ausgelassen wegen Widerspruchs: 0, wegen Sanktionen gesperrt: 2, keine E-Mail-Adresse: 2"
    ]


def test_a_selections_link_without_a_channel_opens_the_page_with_post_chosen(
    mailing: dict[str, Party], client: Any, make_user: Any
) -> None:
    from verbund.selections.actions import do_save_selection

    user = make_user("privacy")
    saved = do_save_selection(actor=user, name="Reichweite", filters={"city": "Reichweite"})
    client.force_login(user)
    with translation.override("de"):
        response = client.get(f"/privacy/advertising/?selection={saved.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="post" selected>' in page
    assert "6 Adressen ausgewählt (Kanal: Post)." in page
    assert "zwingend erforderlich" not in page
    csv_link = f"/privacy/advertising.csv?channel=post&amp;selection={saved.pk}"
    assert csv_link in page
    # A channel that does not exist is still refused, naming the field.
    with translation.override("de"):
        bad = client.get(f"/privacy/advertising.csv?channel=fax&selection={saved.pk}")
    assert bad.status_code == 400 and bad.content.decode().startswith("Kanal:")


def test_the_page_and_the_export_keep_their_query_count_with_every_reason(
    mailing: dict[str, Party], client: Any, make_user: Any
) -> None:
    def more() -> None:
        for i in range(10):
            _party(f"Mehr {i} e.K.")
            _party(f"Ohne Mail {i} e.K.", email="")
            _hit(_party(f"Gesperrt {i} e.K."), HitStatus.CONFIRMED)
            do_record_consent(_party(f"Widerspruch {i} e.K."), actor=None, channel="email",
                              purpose="advertising", status="objected")  # fmt: skip

    more()
    more()  # more chosen than the page shows: it counts them
    client.force_login(make_user("privacy"))
    # session, user, permissions (user + groups), objections, the blocked ids, the objectors
    # and the blocked among the parties (one query), the sample; the counts of the chosen and
    # of those out of reach
    assert_queries_stay(client, "/privacy/advertising/", more, {"channel": "email"},
                        at_most=8 + 2 * list_count_queries())  # fmt: skip
    # ... and for the export: the rows (one query) and those out of reach counted at the end
    assert_queries_stay(client, "/privacy/advertising.csv", more, {"channel": "email"},
                        at_most=9)  # fmt: skip
