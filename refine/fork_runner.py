"""A big batch refined on every core of this machine, by forked copies of this process.

Records are independent until clustering, so the chunks of a batch (refine.pipeline.chunked) can be refined
anywhere. A fork copies this process as it is: the language model, the taggers' configuration and their
caches are already loaded and the records are already in memory, so nothing is sent to a child but a chunk
number, and only the outcomes come back, pickled. This process refines chunks too. Each process takes the
next chunk nobody has taken yet (one shared counter), so a process that is slowed down (by other work on
the machine, or by unpickling what the children send) simply takes fewer chunks.

A child writes each chunk's outcomes to a file of a scratch directory (in memory, /dev/shm, where there is
one) and sends only the chunk's number through its pipe; this process reads the file between its own chunks.
Through the pipe itself, a chunk's megabyte of outcomes left the child waiting for this process, busy
refining, to read each 64 KiB; a file is written at once, and this process needs no reading thread.

Used by refine.pipeline for batches of at least MIN_FORK_RECORDS on a machine with 2+ cores, only where a
fork is safe: POSIX, and no other thread running in this process (a thread holding a lock at the fork would
leave that lock held forever in the child; Prefect's and Dask's processes have such threads, and refine
there as before, in this process or on Dask: flows.refine_dask). $VIGIE_REFINE_WORKERS sets how many
processes refine (this one included); 1 keeps every batch in this process.

Nothing is lost when a child fails: a chunk a child took and did not send back (it raised, was killed, or the
machine ran out of memory) is refined here, and the result is the same as in one process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from refine.record import KeyedOutcome, refine_chunk

WORKERS_ENV = "VIGIE_REFINE_WORKERS"
# Below this a batch is refined in this process: a fork and its copied pages cost a few tens of ms.
MIN_FORK_RECORDS = 10_000

_log = logging.getLogger(__name__)


def processes_wanted() -> int:
    """How many processes may refine one batch: $VIGIE_REFINE_WORKERS, else the cores this process may use."""
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            _log.warning("%s=%r is not a number; refining in this process", WORKERS_ENV, configured)
            return 1
    return usable_cores()


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def fork_runner(count: int) -> ForkedChunks | None:
    """The runner for a batch of `count` records, or None to refine it in this process."""
    if count < MIN_FORK_RECORDS or not fork_is_safe():
        return None
    processes = min(processes_wanted(), usable_cores())
    return ForkedChunks(processes) if processes > 1 else None


def fork_is_safe() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


class ForkedChunks:
    """A refine.pipeline.ChunkRunner: `processes - 1` forked children and this process share the chunks."""

    def __init__(self, processes: int) -> None:
        self.processes = processes

    def __call__(self, chunks: list[list[object]], now: datetime) -> Iterator[list[KeyedOutcome]]:
        """Each chunk's outcomes, in chunk order, as soon as it and every chunk before it are refined: the
        caller's work on them (refine.pipeline: same-id collapsing, the cluster index) happens between this
        process's chunks, while the children go on refining."""
        if len(chunks) < 2:
            yield from (refine_chunk(chunk, now) for chunk in chunks)
            return
        context = multiprocessing.get_context("fork")
        try:
            taken = context.Value("i", 0)  # the next chunk number nobody has taken
        except OSError as exc:  # no shared memory for its lock (a container without /dev/shm)
            _log.warning("refine: cannot share work between processes (%s); refining in this one", exc)
            yield from (refine_chunk(chunk, now) for chunk in chunks)
            return
        done: dict[int, list[KeyedOutcome]] = {}
        following = 0  # the next chunk to hand over
        children: list[tuple[int, Any]] = []
        with tempfile.TemporaryDirectory(prefix="vigie-refine-", dir=_scratch_root()) as scratch:
            try:
                children = [
                    _fork_child(chunks, now, taken, context, Path(scratch))
                    for _ in range(min(self.processes, len(chunks)) - 1)
                ]
                while (index := _take(taken)) < len(chunks):
                    done[index] = refine_chunk(chunks[index], now)
                    for _, reader in children:
                        _collect(reader, Path(scratch), done, wait=False)
                    while following in done:
                        yield done.pop(following)
                        following += 1
                for pid, reader in children:
                    _collect(reader, Path(scratch), done, wait=True)
                    reader.close()
                    _reap(pid)
            except BaseException:  # the caller's error or its GeneratorExit too: no child outlives the batch
                for pid, _ in children:
                    _kill(pid)
                raise
        missing = sum(1 for index in range(following, len(chunks)) if index not in done)
        if missing:
            _log.warning("refine: %d chunk(s) a child did not send back were refined here", missing)
        for index in range(following, len(chunks)):
            yield done.pop(index) if index in done else refine_chunk(chunks[index], now)


def _take(taken: Any) -> int:
    with taken.get_lock():
        index = taken.value
        taken.value = index + 1
    return index


def _fork_child(
    chunks: Sequence[list[object]], now: datetime, taken: Any, context: Any, scratch: Path
) -> tuple[int, Any]:
    reader, writer = context.Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child: refine chunks until none is left, hand each one's outcomes over, leave at once
        code = 1
        try:
            reader.close()
            while (index := _take(taken)) < len(chunks):
                with (scratch / f"{index}.pickle").open("wb") as out:
                    pickle.dump(_outcomes(chunks[index], now), out, pickle.HIGHEST_PROTOCOL)
                writer.send_bytes(index.to_bytes(4, "little"))  # the file is whole: its number may be read
            writer.close()
            code = 0
        finally:
            os._exit(code)  # no atexit handlers, no flushing of buffers this process inherited
    writer.close()
    return pid, reader


def _scratch_root() -> str | None:
    """/dev/shm when this machine has it (files there never touch a disk), else the system's temporary dir."""
    shm = "/dev/shm"  # noqa: S108 - a private directory is made inside it
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def _outcomes(chunk: list[object], now: datetime) -> list[KeyedOutcome] | None:
    try:
        return refine_chunk(chunk, now)
    except Exception:  # noqa: BLE001 - the parent refines this chunk itself and reports what it raises
        return None


def _collect(reader: Any, scratch: Path, done: dict[int, list[KeyedOutcome]], *, wait: bool) -> None:
    """The outcomes of every chunk a child has announced; with `wait`, until the child closes its pipe (it has
    no chunk left, or it died: what it did not announce is refined here)."""
    while wait or reader.poll():
        try:
            index = int.from_bytes(reader.recv_bytes(), "little")
        except (EOFError, OSError):
            return
        path = scratch / f"{index}.pickle"
        with path.open("rb") as data:
            outcomes = pickle.load(data)  # noqa: S301 - a file our own child wrote
        path.unlink()
        if outcomes is not None:
            done[index] = outcomes


def _reap(pid: int) -> None:
    _, status = os.waitpid(pid, 0)
    if status:
        _log.warning("refine: a forked refine process ended with status %d", status)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
