"""PostgreSQL only: the rules under concurrency (the query plans at a realistic size are in
verbund/bench/tests/test_hierarchy_plans.py, on the benchmark's data)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from verbund.hierarchies import engine
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@pytest.mark.django_db(transaction=True)
def test_two_writers_closing_a_cycle_never_both_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    a = do_create_party(actor=None, kind="organisation", name="A AG")
    b = do_create_party(actor=None, kind="organisation", name="B AG")
    # An unrelated link first, so the closure state exists and nothing but the lock serialises.
    c = do_create_party(actor=None, kind="organisation", name="C AG")
    d = do_create_party(actor=None, kind="organisation", name="D AG")
    do_create_relationship(actor=None, type="group", from_party=c, to_party=d)
    real_check = engine.check_link

    def slow_check(rel: Relationship) -> None:
        real_check(rel)
        time.sleep(0.3)  # both would pass their checks here if nothing serialised them

    monkeypatch.setattr(engine, "check_link", slow_check)
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def write(name: str, child: Party, parent: Party) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                do_create_relationship(actor=None, type="group", from_party=child, to_party=parent)
            outcome[name] = "committed"
        except ValidationError as exc:
            outcome[name] = "refused: " + " ".join(exc.messages)
        except Exception as exc:  # a deadlock or a broken rule shows up in the assertion below
            outcome[name] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=("a-under-b", a, b)),
        threading.Thread(target=write, args=("b-under-a", b, a)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(v.split(":")[0] for v in outcome.values()) == ["committed", "refused"], outcome
    assert Relationship.objects.filter(type__key="group", from_party__in=[a, b]).count() == 1
    assert "A AG" in next(v for v in outcome.values() if v.startswith("refused"))
