"""``core.forking.in_order``: results in the tasks' order, tasks drawn in the calling thread."""

import os
import threading
from typing import Any

import pytest

from verbund.core import forking

pytestmark = pytest.mark.skipif(not forking.can_fork(), reason="the platform cannot fork")


def _scaled(task: tuple[int, str]) -> tuple[int, int]:
    """The task's number times what the parent handed down, and the process that did it."""
    return task[0] * forking.inherited(), os.getpid()


def test_results_come_in_the_tasks_order_from_forked_workers_that_inherit_the_parents_object() -> (
    None
):
    drawn_on: list[Any] = []

    def tasks() -> Any:
        for k in range(40):
            drawn_on.append(threading.current_thread())
            yield k, "x"

    out = list(forking.in_order(_scaled, tasks(), 2, inherit=3))
    assert [task for task, _result in out] == [(k, "x") for k in range(40)]
    assert [result[0] for _task, result in out] == [3 * k for k in range(40)]
    assert os.getpid() not in {result[1] for _task, result in out}
    assert set(drawn_on) == {threading.current_thread()}
    assert forking.inherited() is None


def test_with_one_worker_or_no_fork_the_tasks_run_here_with_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    here = [(task, result[0]) for task, result in forking.in_order(_scaled, [(2, "a")], 1, 5)]
    monkeypatch.setattr(forking, "can_fork", lambda: False)
    unforked = list(forking.in_order(_scaled, [(2, "a"), (3, "b")], 4, inherit=5))
    assert here == [((2, "a"), 10)]
    assert [(task, result) for task, result in unforked] == [
        ((2, "a"), (10, os.getpid())),
        ((3, "b"), (15, os.getpid())),
    ]
    assert forking.inherited() is None


def test_an_error_in_a_worker_reaches_the_caller() -> None:
    broken: list[Any] = [(1, "a"), (None, "b")]
    with pytest.raises(TypeError):
        list(forking.in_order(_scaled, broken, 2, inherit=3))
    assert forking.inherited() is None
