"""A merge and its undo in the kept party's file history: German words, the kept values before
and after, what moved and the other record; never an internal key."""

import pytest

from verbund.quality.actions import do_merge, do_undo_merge
from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db


def test_the_history_tells_a_merge_and_its_undo_in_words(org, client_for):
    survivor = org("Müller Bau GmbH", phone="")
    source = org("Mueller Bau GmbH", phone="0221 123456")
    do_create_relationship(actor=None, type="group", from_party=source, to_party=org("Holding AG"))
    record = do_merge(source, survivor, actor=None, values={"phone": "0221 123456"})
    do_undo_merge(record, actor=None)
    page = client_for("viewer").get(f"/parties/{survivor.pk}/", HTTP_ACCEPT_LANGUAGE="de")
    history = page.content.decode().split('id="history"')[1].split("</section>")[0]
    assert "Zusammengeführt" in history and "Zusammenführung rückgängig gemacht" in history
    assert f"mit Mueller Bau GmbH ({source.number}): 1 Beziehung verschoben" in history
    # The kept party's new phone: once, from its own update, not again on the merge.
    assert history.count("Telefon: — → 0221 123456") == 1
    other = client_for("viewer").get(f"/parties/{source.pk}/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Telefon: — → 0221 123456" not in other.content.decode()
    for key in ("Merge", "Contacts moved", "Relationships", "Phone", "Source", "Values"):
        assert key not in history, key
