"""Two writers creating the same network link at once: one commits, the other is refused.

PostgreSQL only (SQLite's BEGIN IMMEDIATE serialises writers anyway, and its in-memory test
database is not shared between threads).
"""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.relationships import actions
from verbund.relationships.models import Relationship

# Skipped at collection, not inside the test: a skipped transactional test with serialized
# rollback would still flush the database and leave it empty for the tests after it.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_the_same_link_never_both_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    a = do_create_party(actor=None, name="A GmbH")
    b = do_create_party(actor=None, name="B GmbH")
    real_validate = actions.validate_relationship
    # Both writers meet here, after their checks would have started, unless the first one's
    # lock keeps the second out: then the first waits in vain for a second and goes on.
    meeting = threading.Barrier(2, timeout=1.5)

    def validate_then_meet(rel: Relationship, **kwargs: object) -> None:
        real_validate(rel, **kwargs)  # type: ignore[arg-type]
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait()

    monkeypatch.setattr(actions, "validate_relationship", validate_then_meet)
    outcome: dict[str, str] = {}

    def write(name: str, from_party: Party, to_party: Party) -> None:
        try:
            actions.do_create_relationship(
                actor=None, type="supplier", from_party=from_party, to_party=to_party
            )
            outcome[name] = "committed"
        except ValidationError as exc:
            outcome[name] = "refused: " + " ".join(exc.messages)
        except Exception as exc:  # shows in the assertion below
            outcome[name] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(f"writer-{i}", a, b)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(v.split(":")[0] for v in outcome.values()) == ["committed", "refused"], outcome
    assert Relationship.objects.filter(type__key="supplier", from_party=a, to_party=b).count() == 1
