"""A big batch is refined by this process and forked copies of it (refine.fork_runner): the items, quarantined
records and match keys must be exactly those of one process, even when a copy fails or dies."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

import pytest
from factories import real_raw_records

from refine import fork_runner, pipeline
from refine.fork_runner import ForkedChunks
from refine.pipeline import refine_and_cluster, refine_here

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PARENT = os.getpid()

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """Real raw records (TED notices, feeds, a calendar), a copy of each as a second source would publish it,
    and one record that must be refused."""
    out = [r for records in real_raw_records().values() for r in records]
    copies = [{**r, "source": "other", "native_id": f"copy-{i}"} for i, r in enumerate(out)]
    return [*out, *copies, {"source": "bad", "native_id": "x", "kind": "call"}]


@pytest.fixture(scope="module")
def one_process(records):
    return refine_and_cluster(records, now=NOW, runner=refine_here)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_RECORDS", 40)  # a dozen chunks to share out


def _same(result, expected) -> None:
    assert [item["id"] for item in result.items] == [item["id"] for item in expected.items]
    assert result.items == expected.items
    assert result.quarantined == expected.quarantined
    assert result.match_keys == expected.match_keys
    assert result.replaced == expected.replaced


def test_forked_copies_give_the_same_items_as_one_process(records, one_process, small_chunks):
    assert len(pipeline.chunked(records)) > 10
    _same(refine_and_cluster(records, now=NOW, runner=ForkedChunks(2)), one_process)
    assert one_process.quarantined[-1]["native_id"] == "x"


def test_three_processes_on_two_cores_still_give_the_same_items(records, one_process, small_chunks):
    _same(refine_and_cluster(records, now=NOW, runner=ForkedChunks(3)), one_process)


def test_a_chunk_that_fails_in_a_copy_is_refined_here(
    records, one_process, small_chunks, monkeypatch, caplog
):
    real = fork_runner.refine_chunk

    def fails_in_a_copy(chunk, now):
        if os.getpid() != PARENT:
            raise RuntimeError("disk full")
        return real(chunk, now)

    monkeypatch.setattr(fork_runner, "refine_chunk", fails_in_a_copy)
    _same(refine_and_cluster(records, now=NOW, runner=ForkedChunks(2)), one_process)
    assert "did not send back were refined here" in caplog.text


def test_a_copy_that_dies_loses_nothing(records, one_process, small_chunks, monkeypatch, caplog):
    real = fork_runner.refine_chunk

    def dies_in_a_copy(chunk, now):
        if os.getpid() != PARENT:
            os._exit(9)  # as the kernel's OOM killer would end it: no exception, no message
        return real(chunk, now)

    monkeypatch.setattr(fork_runner, "refine_chunk", dies_in_a_copy)
    _same(refine_and_cluster(records, now=NOW, runner=ForkedChunks(2)), one_process)
    assert "ended with status" in caplog.text
    assert "did not send back were refined here" in caplog.text


def test_only_a_big_batch_is_forked(monkeypatch):
    monkeypatch.setattr(fork_runner, "usable_cores", lambda: 2)
    monkeypatch.delenv(fork_runner.WORKERS_ENV, raising=False)
    monkeypatch.setattr(fork_runner.threading, "active_count", lambda: 1)  # whatever pytest left running
    assert fork_runner.fork_runner(fork_runner.MIN_FORK_RECORDS).processes == 2
    assert fork_runner.fork_runner(fork_runner.MIN_FORK_RECORDS - 1) is None


def test_a_process_running_another_thread_never_forks(monkeypatch):
    monkeypatch.setattr(fork_runner, "usable_cores", lambda: 2)
    monkeypatch.delenv(fork_runner.WORKERS_ENV, raising=False)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:  # a fork beside a running thread could leave the copy waiting forever on a lock that thread held
        assert fork_runner.fork_runner(fork_runner.MIN_FORK_RECORDS * 10) is None
    finally:
        stop.set()
        other.join()


def test_workers_setting_is_read_as_a_non_programmer_writes_it(monkeypatch, caplog):
    monkeypatch.setattr(fork_runner, "usable_cores", lambda: 2)
    monkeypatch.setattr(fork_runner, "fork_is_safe", lambda: True)
    big = fork_runner.MIN_FORK_RECORDS
    monkeypatch.setenv(fork_runner.WORKERS_ENV, "1")
    assert fork_runner.fork_runner(big) is None
    monkeypatch.setenv(fork_runner.WORKERS_ENV, "8")
    assert fork_runner.fork_runner(big).processes == 2  # never more processes than cores
    monkeypatch.setenv(fork_runner.WORKERS_ENV, "two")
    assert fork_runner.fork_runner(big) is None
    assert "VIGIE_REFINE_WORKERS='two' is not a number" in caplog.text


def test_without_shared_memory_the_batch_is_refined_in_this_process(
    records, one_process, small_chunks, monkeypatch
):
    import multiprocessing

    class NoSharedMemory:
        def Value(self, *args):  # noqa: N802 - multiprocessing's name
            raise OSError("[Errno 38] Function not implemented: /dev/shm")

    monkeypatch.setattr(multiprocessing, "get_context", lambda method: NoSharedMemory())
    _same(refine_and_cluster(records, now=NOW, runner=ForkedChunks(2)), one_process)
