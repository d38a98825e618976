"""Readers that behave like a pathological document, for the isolation tests: they run in parse workers
(spiders.isolation), which import this module by name (tests/ on the workers' PYTHONPATH)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from spiders.isolation import parse_list


def spin(seconds: float) -> str:
    """Pure-Python CPU work holding its interpreter, as a runaway recurrence expansion does."""
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
    return "done"


def allocate(megabytes: int) -> int:
    """Keeps allocating, as an expansion to millions of occurrences does."""
    chunks = [bytearray(2**20) for _ in range(megabytes)]
    return len(chunks)


def crash() -> None:
    return 1 / 0  # type: ignore[return-value]


def endless_calendars(
    body: bytes, family: str | None, source: str, url: str, options: Mapping[str, Any]
) -> list[dict]:
    """The real parsers, except that every iCalendar body never ends (a runaway recurrence)."""
    if family == "ics":
        spin(3600)
    return parse_list(body, family, source, url, options)
