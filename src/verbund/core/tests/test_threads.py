"""``core.threads.read_alongside`` and ``core.collector.gc_paused``."""

import gc
import threading
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

from verbund.core.collector import gc_paused
from verbund.core.threads import read_alongside


@pytest.mark.django_db(transaction=True)
def test_a_read_alongside_runs_on_its_own_thread_and_connection_while_the_block_runs() -> None:
    Group.objects.create(name="committed")
    seen: dict[str, Any] = {}
    block_started = threading.Event()

    def read() -> None:
        # Waits for the block: the read and the block run at the same time.
        assert block_started.wait(10)
        seen["thread"] = threading.current_thread()
        seen["connection"] = connection.connection
        seen["names"] = list(Group.objects.values_list("name", flat=True))

    with read_alongside(read):
        block_started.set()
        here = connection.cursor().connection
    assert seen["thread"] is not threading.current_thread()
    assert seen["connection"] is not here
    assert "committed" in seen["names"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_read_alongside_raises_its_error_after_the_block() -> None:
    done = []

    def read() -> None:
        raise ValueError("the read failed")

    with pytest.raises(ValueError, match="the read failed"), read_alongside(read):
        done.append("block")
    assert done == ["block"]


@pytest.mark.django_db
def test_inside_a_transaction_the_read_runs_here_first_and_sees_the_uncommitted_rows() -> None:
    order: list[str] = []
    with transaction.atomic():
        Group.objects.create(name="uncommitted")

        def read() -> None:
            assert threading.current_thread() is threading.main_thread()
            order.append("read:" + ",".join(Group.objects.values_list("name", flat=True)))

        with read_alongside(read):
            order.append("block")
    assert order[0].startswith("read:") and "uncommitted" in order[0]
    assert order[1] == "block"


def test_the_collector_is_paused_inside_and_restored_after_also_nested_and_on_error() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
