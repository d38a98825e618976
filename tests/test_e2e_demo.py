"""End to end: `vigie run --demo` into an empty $VIGIE_HOME, twice, as a newcomer would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

pytestmark = pytest.mark.slow

VIGIE = [sys.executable, "-m", "vigie.cli"]


def vigie(home: Path, *args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIGIE_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run([*VIGIE, *args], capture_output=True, text=True, env=env, timeout=timeout)


def query(home: Path, sql: str) -> list[dict]:
    done = vigie(home, "query", sql, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("demo-home")
    first = vigie(home, "run", "--demo")
    counts_after_first = query(home, "SELECT count(*) AS n FROM opportunities")[0]["n"]
    second = vigie(home, "run", "--demo")
    return {"home": home, "first": first, "second": second, "count_after_first": counts_after_first}


def test_first_run_succeeds(demo):
    assert demo["first"].returncode == 0, demo["first"].stderr[-2000:]


def test_summary_has_a_line_per_source(demo):
    out = demo["first"].stdout
    for name in (
        "demo-ted-notices",
        "demo-ted-archive",
        "demo-ocds",
        "demo-feed-fr",
        "demo-agenda",
        "demo-event-pages",
    ):
        assert name in out
    for column in ("items", "new", "errors", "time"):
        assert column in out


def test_no_traceback_or_telemetry_noise(demo):
    for run in (demo["first"], demo["second"]):
        assert "Traceback" not in run.stdout + run.stderr
        assert "telemetry" not in run.stderr.lower()


def test_at_least_fifty_items_of_three_kinds_from_three_sources(demo):
    rows = query(
        demo["home"],
        "SELECT kind, count(*) AS n, count(DISTINCT source) AS sources "
        "FROM opportunities GROUP BY kind ORDER BY kind",
    )
    by_kind = {r["kind"]: r["n"] for r in rows}
    assert set(by_kind) == {"call", "event", "tender"}
    assert sum(by_kind.values()) >= 50
    assert query(demo["home"], "SELECT count(DISTINCT source) AS n FROM opportunities")[0]["n"] >= 3


def test_belgian_notice_has_its_french_and_dutch_texts(demo):
    rows = query(
        demo["home"], "SELECT texts, deadline_at FROM opportunities WHERE id = 'demo-ted-notices:612681-2024'"
    )
    assert len(rows) == 1
    texts = rows[0]["texts"] if isinstance(rows[0]["texts"], dict) else json.loads(rows[0]["texts"])
    assert {"fr", "nl"} <= set(texts)


def test_newsletter_written_under_home(demo):
    html = list((demo["home"] / "newsletters").rglob("*.html"))
    assert html, "no newsletter HTML under $VIGIE_HOME/newsletters"
    assert "<html" in html[0].read_text(encoding="utf-8").lower()


def test_atom_feed_reads_without_bozo(demo):
    done = vigie(demo["home"], "feed", "--format", "atom")
    assert done.returncode == 0, done.stderr
    parsed = feedparser.parse(done.stdout.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) > 0


def test_second_run_adds_no_duplicate(demo):
    assert demo["second"].returncode == 0, demo["second"].stderr[-2000:]
    assert query(demo["home"], "SELECT count(*) AS n FROM opportunities")[0]["n"] == demo["count_after_first"]
    dupes = query(demo["home"], "SELECT id, count(*) AS n FROM opportunities GROUP BY id HAVING n > 1")
    assert dupes == []


def test_second_run_downloads_nothing_unchanged(demo):
    assert "×304" in demo["second"].stdout


def test_source_runs_recorded_for_both_runs(demo):
    rows = query(demo["home"], "SELECT count(DISTINCT run_id) AS runs FROM source_runs")
    assert rows[0]["runs"] == 2
