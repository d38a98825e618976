"""Parsing outside the event loop: a pool of worker processes, each call bounded in wall time and memory.

Parsers are pure CPU on bytes from the internet. Run on the crawl's asyncio loop, one pathological document
stalls every source of the run and no timeout can interrupt it. Here a call that passes its time limit is killed
with its worker, one that passes its memory limit (RLIMIT_AS on the worker) ends in MemoryError, and the loop
goes on serving the other sources meanwhile.

Workers are forked from a forkserver that has already imported the parsers, so a new worker costs a fork (about
10 ms), not an interpreter start; they are kept from one call to the next and die with the process that started
them (the forkserver leaves when its parent does, and each worker asks the kernel for SIGKILL when its parent
goes: PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from vigie.core.errors import ParseError, ParseLimitError

DEFAULT_SECONDS = 120.0
DEFAULT_MEMORY_MB = 1024
PARSE_CALL = "spiders.isolation:parse_list"  # the Scrapy setting VIGIE_PARSE_CALL may name another reader
_START_SECONDS = 120  # a worker's own start (imports), not counted in any parse's limit
_RETIRE_RSS_MB = 512  # a worker that grew past this is replaced: a big parse's memory is not given back


@dataclass(frozen=True)
class Limits:
    seconds: float = DEFAULT_SECONDS  # wall time of one call (registry key `parse_timeout`)
    memory_mb: int = DEFAULT_MEMORY_MB  # address space of the worker (registry key `parse_memory`)


def parse_list(
    body: bytes, family: str | None, source: str, url: str, options: Mapping[str, Any]
) -> list[dict]:
    """What a worker runs for a spider: every raw record of one body."""
    from spiders import parsers

    return list(parsers.parse(body, family, source=source, url=url, options=options))


# --- the worker side ------------------------------------------------------------------------------------
def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent went before the request above took effect
        os._exit(0)


def _resolve(call: str) -> Any:
    module, _, name = call.partition(":")
    return getattr(importlib.import_module(module), name)


def _one_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:300]


def _serve(conn: Any) -> None:
    _die_with_parent()
    from spiders import parsers

    parsers.available()  # import every family's parser now, not during the first (timed) call
    conn.send("ready")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    while True:
        try:
            call, args, memory_mb = conn.recv()
        except (EOFError, OSError):
            return
        limit = memory_mb * 2**20
        try:
            resource.setrlimit(resource.RLIMIT_AS, (min(limit, hard) if hard >= 0 else limit, hard))
            reply: tuple[str, Any] = ("ok", _resolve(call)(*args))
        except MemoryError:
            reply = ("memory", "")
        except ParseError as exc:
            reply = ("parse", str(exc))
        except RecursionError:
            reply = ("parse", "nested too deeply to be read")
        except Exception as exc:  # a parser bug is the caller's one-line error, not a dead worker
            reply = ("crash", _one_line(exc))
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        retire = reply[0] == "memory" or _resident_mb() > _RETIRE_RSS_MB
        try:
            conn.send((*reply, retire))
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
            conn.send(("crash", f"result not sent back: {_one_line(exc)}", True))
        if retire:
            return


def _resident_mb() -> int:
    """This worker's resident memory now. Not ru_maxrss: Linux carries it over execve, so a worker started by a
    big parent process would read the parent's peak and retire after every call."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


# --- the parent side ------------------------------------------------------------------------------------
class _Worker:
    """A `python -m spiders.isolation FD` process talking over a socket pair: a clean interpreter, so nothing
    of the caller (its __main__, threads, event loop) is copied or run again."""

    def __init__(self) -> None:
        mine, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "spiders.isolation", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        theirs.close()
        self.conn = Connection(mine.detach())

    def wait_ready(self) -> None:
        """Until the worker has imported the parsers: that start is not part of any call's time limit."""
        if not self.conn.poll(_START_SECONDS) or self.conn.recv() != "ready":
            self.kill()
            raise ParseError(f"a parse worker did not start within {_START_SECONDS} s (machine overloaded?)")

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(5)
        self.conn.close()

    @property
    def exitcode(self) -> int | None:
        return self.process.poll()


class Pool:
    """At most `size` workers, started on demand and kept; a killed or retired worker is replaced lazily."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or int(os.environ.get("VIGIE_PARSE_WORKERS", 0)) or max(2, os.cpu_count() or 1)
        self._idle: list[_Worker] = []
        self._busy = 0
        self._lock = threading.Condition()
        self._threads = ThreadPoolExecutor(max_workers=64, thread_name_prefix="vigie-parse")

    def _acquire(self) -> _Worker:
        with self._lock:
            while not self._idle and self._busy >= self.size:
                self._lock.wait()
            self._busy += 1
            if self._idle:
                return self._idle.pop()
        try:
            worker = _Worker()
            worker.wait_ready()
        except BaseException:
            self._release(None)
            raise
        return worker

    def _release(self, worker: _Worker | None) -> None:
        with self._lock:
            self._busy -= 1
            if worker is not None:
                self._idle.append(worker)
            self._lock.notify()

    def call(self, call: str, args: tuple, limits: Limits, cancelled: threading.Event | None = None) -> Any:
        """Run `call` ("module:function") with `args` in a worker, in this thread; ParseLimitError when a
        limit stops it, ParseError for what the function raised."""
        worker = self._acquire()
        keep = False
        try:
            worker.conn.send((call, args, limits.memory_mb))
            _wait(worker, limits, cancelled)
            try:
                kind, payload, retire = worker.conn.recv()
            except (EOFError, OSError):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    worker.process.wait(5)
                if cancelled is not None and cancelled.is_set():
                    raise ParseLimitError("parse cancelled: the source was stopped") from None
                raise ParseLimitError(
                    f"parse stopped: its worker died ({_exit_reason(worker.exitcode)}), "
                    f"likely over the {limits.memory_mb} MB memory limit (parse_memory)"
                ) from None
            keep = not retire
            if kind == "ok":
                return payload
            if kind == "memory":
                raise ParseLimitError(
                    f"parse stopped: over the {limits.memory_mb} MB memory limit (parse_memory)"
                )
            if kind == "parse":
                raise ParseError(payload)
            raise ParseError(f"could not be read ({payload})")
        finally:
            if not keep:
                worker.kill()
            self._release(worker if keep else None)

    async def run(self, call: str, args: tuple, limits: Limits) -> Any:
        """call() without blocking the event loop; a cancelled await kills the worker at once."""
        cancelled = threading.Event()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._threads, self.call, call, args, limits, cancelled)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            cancelled.set()  # the waiting thread sees it within a poll step and kills the worker
            raise

    def warm(self, wait: bool = False) -> None:
        """Start the workers in the background (a worker's start is an interpreter importing the parsers, about
        a second), so that the first responses do not wait for it."""

        def start() -> None:
            with contextlib.suppress(Exception):
                worker = self._acquire()
                self._release(worker)

        with self._lock:
            missing = self.size - len(self._idle) - self._busy
        started = [self._threads.submit(start) for _ in range(max(0, missing))]
        for future in started if wait else ():
            future.result()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


_POLL_STEP = 0.25  # seconds between two looks at a cancelled call


def _wait(worker: _Worker, limits: Limits, cancelled: threading.Event | None) -> None:
    """Until the worker answers; ParseLimitError when the time limit passes or the caller gave up."""
    deadline = time.monotonic() + limits.seconds
    while not worker.conn.poll(max(0.0, min(_POLL_STEP, deadline - time.monotonic()))):
        if cancelled is not None and cancelled.is_set():
            raise ParseLimitError("parse cancelled: the source was stopped")
        if time.monotonic() >= deadline:
            raise ParseLimitError(f"parse stopped after {limits.seconds:g} s (time limit, parse_timeout)")


def _exit_reason(code: int | None) -> str:
    if code is None:
        return "no exit code"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


POOL = Pool()


async def parse_records(
    body: bytes,
    family: str | None,
    *,
    source: str,
    url: str,
    options: Mapping[str, Any],
    limits: Limits,
    call: str = PARSE_CALL,
) -> list[dict]:
    """The raw records of one body, read in a worker within `limits`."""
    result = await POOL.run(call, (body, family, source, url, dict(options)), limits)
    return list(result)


if __name__ == "__main__":
    # The importable module's _serve, not this __main__ copy's: parse_list resolves against that module.
    importlib.import_module("spiders.isolation")._serve(Connection(int(sys.argv[1])))
