"""Parsing in bounded, isolated workers: a pathological document stops its own source with a one-line reason
naming the limit, the other sources go on at their own pace, and no worker outlives the process that started
it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import LoopbackHandler, loopback_server
from test_collect_faults import FAST, RSS

from spiders import isolation
from spiders.crawl import collect
from spiders.registry import Source
from vigie.core.errors import ParseError, ParseLimitError

TESTS = Path(__file__).resolve().parent
CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:00010101T000000Z\r\n"
CALENDAR += b"RRULE:FREQ=DAILY\r\nSUMMARY:Every day since year 1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[isolation.Pool]:
    """A pool of its own whose workers can import tests/pathological_parsers.py."""
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))
    )
    fresh = isolation.Pool(size=2)
    fresh.warm(wait=True)  # the tests time parses, not interpreter starts
    monkeypatch.setattr(isolation, "POOL", fresh)
    yield fresh
    fresh.close()


def test_a_call_past_its_time_limit_is_stopped_and_named(pool):
    started = time.monotonic()
    with pytest.raises(ParseLimitError) as caught:
        pool.call("pathological_parsers:spin", (60,), isolation.Limits(seconds=1.5))
    assert str(caught.value) == "parse stopped after 1.5 s (time limit, parse_timeout)"
    assert time.monotonic() - started < 5


def test_a_call_past_its_memory_limit_is_stopped_and_named(pool):
    with pytest.raises(ParseLimitError) as caught:
        pool.call("pathological_parsers:allocate", (4096,), isolation.Limits(memory_mb=300))
    assert str(caught.value) == "parse stopped: over the 300 MB memory limit (parse_memory)"


def test_a_worker_is_reused_and_replaced_after_a_limit(pool):
    assert pool.call("pathological_parsers:spin", (0,), isolation.Limits()) == "done"
    first = pool._idle[0].process.pid
    assert pool.call("pathological_parsers:spin", (0,), isolation.Limits()) == "done"
    assert pool._idle[0].process.pid == first  # no new process for the second call
    with pytest.raises(ParseLimitError):
        pool.call("pathological_parsers:spin", (60,), isolation.Limits(seconds=0.5))
    assert pool.call("pathological_parsers:spin", (0,), isolation.Limits()) == "done"


def test_a_parser_bug_is_a_one_line_parse_error(pool):
    with pytest.raises(ParseError) as caught:
        pool.call("pathological_parsers:crash", (), isolation.Limits())
    assert str(caught.value) == "could not be read (ZeroDivisionError: division by zero)"


def test_a_parse_error_keeps_its_message(pool):
    with pytest.raises(ParseError) as caught:
        pool.call(
            "spiders.isolation:parse_list", (b"\x00\x01garbage", None, "s", "u", {}), isolation.Limits()
        )
    assert str(caught.value).startswith("format not recognised")


class Handler(LoopbackHandler):
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path == "/robots.txt":
            return self.send_body(404, b"", "text/plain")
        if self.path == "/feed.xml":
            return self.send_body(200, RSS, "application/rss+xml")
        if self.path == "/calendar.ics":
            return self.send_body(200, CALENDAR, "text/calendar")
        return self.send_body(404, b"not found", "text/plain")


def test_a_pathological_calendar_stops_alone_and_the_good_feed_loads(home, pool):
    settings = {**FAST, "VIGIE_PARSE_CALL": "pathological_parsers:endless_calendars"}
    with loopback_server(Handler) as base:
        calendar = Source(name="calendar", family="ics", urls=(f"{base}/calendar.ics",), parse_timeout=3)
        feed = Source(name="feed", family="feed", urls=(f"{base}/feed.xml",), kind="call", language="fr")
        run_dir = home / "raw" / "run1"

        async def both():
            return await asyncio.gather(
                *(collect(s, home=home, run_dir=run_dir, overrides=settings) for s in (calendar, feed))
            )

        started = time.monotonic()
        slow, good = asyncio.run(both())
        elapsed = time.monotonic() - started
    assert good.records == 2
    assert good.errors == []
    assert good.seconds < 3  # it did not wait for the calendar
    assert slow.records == 0
    assert slow.errors == [f"{base}/calendar.ics: parse stopped after 3 s (time limit, parse_timeout)"]
    assert slow.finish_reason == "parse_limit"
    assert elapsed < 3 + 4  # the calendar's limit, plus the crawl's own start and stop
    assert (run_dir / "responses" / "calendar.jsonl").exists()  # its raw response is kept
    assert len((run_dir / "feed.jsonl").read_text().splitlines()) == 2


def test_a_source_timeout_shorter_than_the_parse_limit_wins(home, pool):
    settings = {**FAST, "VIGIE_PARSE_CALL": "pathological_parsers:endless_calendars"}
    with loopback_server(Handler) as base:
        calendar = Source(name="calendar", family="ics", urls=(f"{base}/calendar.ics",), timeout=2)
        started = time.monotonic()
        result = asyncio.run(collect(calendar, home=home, run_dir=home / "raw" / "r", overrides=settings))
    assert time.monotonic() - started < 2 + 4
    assert "time limit, parse_timeout" in result.errors[0]


WATCHED = """
import time
from spiders import isolation
pool = isolation.Pool(size=1)
worker = pool._acquire()
worker.conn.send(("pathological_parsers:spin", (600,), 1024))
print(worker.process.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_parent_leaves_no_parse_worker_behind():
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    parent = subprocess.Popen([sys.executable, "-c", WATCHED], stdout=subprocess.PIPE, text=True, env=env)
    worker_pid = int(parent.stdout.readline())
    assert _alive(worker_pid)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    assert _gone(worker_pid, within=5)


GUARDED = """
import subprocess, sys, time
from flows import prefect_env
prefect_env.guard_children()
child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; "
    "g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); print(g.pid, flush=True); "
    "time.sleep(600)"], stdout=subprocess.PIPE, text=True)
grandchild = child.stdout.readline().strip()
print(child.pid, grandchild, flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the guard reads /proc")
def test_a_killed_run_leaves_no_child_process_behind():
    # As Prefect's server is a child of the run: the run is SIGKILLed, its children and theirs still end.
    run = subprocess.Popen([sys.executable, "-c", GUARDED], stdout=subprocess.PIPE, text=True)
    child, grandchild = (int(p) for p in run.stdout.readline().split())
    time.sleep(2.5)  # the guard looks every second
    assert _alive(child) and _alive(grandchild)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert _gone(child, within=10)
    assert _gone(grandchild, within=1)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the guard reads /proc")
def test_a_killed_demo_run_leaves_no_prefect_server_behind(home):
    env = {**os.environ, "VIGIE_HOME": str(home)}
    run = subprocess.Popen(
        [sys.executable, "-m", "vigie.cli", "run", "--demo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = None
    deadline = time.monotonic() + 120
    while server is None and time.monotonic() < deadline:
        server = next(
            (pid for pid, cmd in _processes() if "uvicorn" in cmd and str(home) in _environ(pid)), None
        )
        time.sleep(0.2)
    assert server is not None, "the run started no Prefect server"
    time.sleep(1.5)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert _gone(server, within=15)


def _processes() -> list[tuple[int, str]]:
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            with contextlib.suppress(OSError):
                out.append((int(name), Path(f"/proc/{name}/cmdline").read_bytes().decode(errors="replace")))
    return out


def _environ(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def test_a_worker_started_by_a_big_process_is_kept(tmp_path):
    # Linux carries a process's peak memory (ru_maxrss) over execve: a worker started by a run that already
    # holds 700 MB must not read that as its own and be replaced after every parse.
    script = (
        "import sys\n"
        f"sys.path[:0] = [{str(Path(__file__).parent)!r}, {str(Path(__file__).parents[1])!r}]\n"
        "held = bytearray(700 * 2**20)\n"
        "held[::4096] = b'x' * len(held[::4096])\n"
        "from spiders import isolation\n"
        "pool = isolation.Pool(1)\n"
        "pool.call('pathological_parsers:spin', (0,), isolation.Limits())\n"
        "print(len(pool._idle))\n"
        "pool.close()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.stdout.strip() == "1", done.stderr[-500:]
