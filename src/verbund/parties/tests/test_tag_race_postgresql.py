"""Two requests storing one tag name in two spellings at the same moment, each in its own
transaction: both look it up, find none and insert; the database keeps one (``Tag.key``) and
the second request uses it.

PostgreSQL only (SQLite's BEGIN IMMEDIATE serialises writers: the second request reads after
the first's commit; test_tag_spellings simulates the interleaving on both databases).
"""

import contextlib
import threading
from typing import Any

import pytest
from django.db import connection
from django.db.models.signals import pre_save

from verbund.parties.actions import do_create_party, do_update_party
from verbund.parties.models import Tag

# Skipped at collection, not inside the test: a skipped transactional test with serialized
# rollback would still flush the database and leave it empty for the tests after it.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


@pytest.mark.django_db(transaction=True)
def test_two_requests_inserting_two_spellings_at_once_end_with_one_tag() -> None:
    parties = [do_create_party(actor=None, name=f"Kunde {n} GmbH") for n in range(2)]
    # Both requests meet just before their insert, after their look-ups found nothing.
    meeting = threading.Barrier(2, timeout=5)

    def meet(sender: Any, instance: Tag, **kwargs: Any) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait()

    pre_save.connect(meet, sender=Tag, dispatch_uid="test-meet")
    outcome: dict[str, str] = {}

    def write(n: int, name: str) -> None:
        try:
            do_update_party(parties[n], actor=None, tags=[name])
            outcome[name] = "stored"
        except Exception as exc:  # shows in the assertion below
            outcome[name] = f"error: {exc!r}"
        finally:
            connection.close()

    try:
        threads = [
            threading.Thread(target=write, args=(n, name))
            for n, name in enumerate(["Messe", "messe"])
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        pre_save.disconnect(sender=Tag, dispatch_uid="test-meet")
    assert outcome == {"Messe": "stored", "messe": "stored"}
    assert not meeting.broken, "the requests did not both reach their insert"
    (tag,) = Tag.objects.all()
    assert [list(p.tags.all()) for p in parties] == [[tag], [tag]]
