"""Prefect settings for quiet offline runs (stack.md §2). Must run before `import prefect`. And a guard that ends
a run's child processes when the run itself is killed.

Prefect's ephemeral mode starts its API server as a child process (uvicorn) and stops it at exit; a run killed
with SIGKILL has no exit, and the server stayed behind. The guard is a tiny process of its own session that
watches the run through a pipe: when the pipe closes (the run ended, however), it ends every descendant of the
run it saw (SIGTERM, then SIGKILL), checking each one's start time so a reused pid is never touched.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

QUIET = {
    # Every run otherwise logs "Failed to send telemetry" on a machine without internet.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
}
_WATCH_STEP = 1.0  # seconds between two scans of /proc for the run's descendants (each costs a few ms)
_guard: subprocess.Popen | None = None


def configure(home: Path) -> None:
    """Quiet defaults; Prefect's own database lives with the rest of Vigie's state unless PREFECT_HOME is set.
    Starts the child-process guard."""
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("PREFECT_HOME", str(home / ".prefect"))
    guard_children()


def guard_children() -> None:
    """Once per process (Linux): a guard that ends this process's descendants when it ends, even by SIGKILL."""
    global _guard
    if _guard is not None or not Path("/proc/self/stat").exists():
        return
    _guard = subprocess.Popen(
        [sys.executable, "-m", "flows.prefect_env", str(os.getpid())],
        stdin=subprocess.PIPE,  # kept open by this process only: its end is the guard's signal
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C to the run's terminal must not end the guard before it acts
    )


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) of a live process, None when gone (or a zombie)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    if fields[0] == "Z":
        return None
    return int(fields[1]), fields[19]


def _by_parent() -> dict[int, list[int]]:
    """Every live process by parent pid, from one scan of /proc."""
    out: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            info = _stat(int(name))
            if info is not None:
                out.setdefault(info[0], []).append(int(name))
    return out


def _descendants(root: int) -> dict[int, str]:
    """Every live descendant of `root`: pid -> start time."""
    tree = _by_parent()
    found: dict[int, str] = {}
    todo = [root]
    while todo:
        for child in tree.get(todo.pop(), []):
            info = _stat(child)
            if info is not None and child not in found and child != os.getpid():
                found[child] = info[1]
                todo.append(child)
    return found


def _end(seen: dict[int, str]) -> None:
    def alive() -> list[int]:
        return [pid for pid, started in seen.items() if (_stat(pid) or (0, ""))[1] == started]

    for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 1.0)):
        for pid in alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while alive() and time.monotonic() < deadline:
            time.sleep(0.05)


def _watch(run_pid: int) -> None:
    seen: dict[int, str] = {}
    while True:
        readable, _, _ = select.select([sys.stdin], [], [], _WATCH_STEP)
        if readable and not os.read(sys.stdin.fileno(), 1024):
            break  # the run is gone: its end of the pipe closed
        seen.update(_descendants(run_pid))
    _end(seen)


if __name__ == "__main__":
    _watch(int(sys.argv[1]))
