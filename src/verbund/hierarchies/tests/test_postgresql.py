"""PostgreSQL only: query plans of the closure reads, and the rules under concurrency."""

import threading
import time
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from verbund.hierarchies import engine, selectors
from verbund.hierarchies.bench import build
from verbund.hierarchies.engine import CT, PT
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship, RelationshipType

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _plan(sql: str, params: list[Any]) -> str:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql, params)
        return "\n".join(r[0] for r in cur.fetchall())


@pytest.mark.django_db
def test_subtree_and_ancestor_reads_use_the_indexes_at_a_realistic_size() -> None:
    meta = build(20_000, StringIO())
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {PT}")
        cur.execute(f"ANALYZE {CT}")
    gtype = RelationshipType.objects.get(key="group")
    one_k = meta["groups"]["1000"][0]
    ten = meta["groups"]["10"][0]
    ten_k = meta["groups"]["10000"][0]
    for root in (one_k["root"], ten["root"]):
        plan = _plan(selectors.subtree_sql(), [gtype.pk, root, 200])
        assert "Seq Scan" not in plan, plan
    plan = _plan(selectors.ANCESTORS_SQL, [gtype.pk, ten_k["deepest"]])
    assert "Seq Scan" not in plan and "closure_ancestors" in plan, plan
    plan = _plan(
        f"SELECT id, number, name, city FROM {PT} WHERE id IN (%s, %s)",
        [ten_k["root"], ten_k["deepest"]],
    )
    assert "Seq Scan" not in plan, plan
    # The detach of a move joins with DELETE ... USING; no sequential scan of the closure either.
    # A whole group in one statement (its root found inline) reads by index too.
    for member in (one_k["deepest"], ten["deepest"]):
        plan = _plan(
            selectors.subtree_sql(selectors.TOP_SQL), [gtype.pk, gtype.pk, member, member, 200]
        )
        assert "Seq Scan" not in plan, plan
    # The detach of a move joins with DELETE ... USING, one range of the ancestors index per
    # subtree member; no sequential scan of the closure either.
    for root in (ten_k["root"], one_k["root"]):
        plan = _plan(engine.DETACH_SQL_PG, [gtype.pk, root])
        assert "Seq Scan" not in plan and "closure_ancestors" in plan, plan
    # And the selectors answer from that data.
    assert selectors.ultimate_parent(ten_k["deepest"], "group") == ten_k["root"]
    assert len(selectors.ancestors(ten_k["deepest"], "group")) == ten_k["depth"]
    assert len(selectors.group_rows(one_k["deepest"], "group")) == 1000


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
