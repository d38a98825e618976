"""Health per source (issue 3): what `assess` says of one run, then the whole behaviour through real pipeline
runs against a local server: a failing source is flagged, then reported broken; a sharp drop is flagged; a
record that breaks the schema is quarantined with its reason and counted."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from factories import LoopbackHandler
from typer.testing import CliRunner

from flows.health import BROKEN_AFTER, SHARP_DROP, assess
from vigie.cli import app
from warehouse import snapshot
from warehouse.connection import sql_text
from warehouse.ledger import SourceHistory as History
from warehouse.store import Warehouse

# --- assess: one status and one line per case ---------------------------------------------------------------


def test_a_clean_run_is_ok_without_a_message():
    assert assess(40, 40, 0, History(average_yield=42.0)) == ("ok", "")


def test_errors_while_collecting_degrade_a_source_that_still_yielded():
    assert assess(40, 40, 2, History()) == ("degraded", "2 error(s) while collecting")


def test_a_low_valid_share_is_flagged():
    assert assess(10, 8, 0, History()) == ("degraded", "only 8/10 records valid")


def test_ninety_percent_valid_is_still_ok():
    assert assess(10, 9, 0, History()) == ("ok", "")


def test_a_sharp_drop_against_the_recent_average_is_flagged():
    status, message = assess(9, 9, 0, History(average_yield=20.0))
    assert status == "degraded"
    assert message == "yield 9 is far below the recent average 20"


def test_a_yield_of_exactly_half_the_average_is_not_a_sharp_drop():
    assert assess(int(20 * SHARP_DROP), 10, 0, History(average_yield=20.0)) == ("ok", "")


def test_no_average_yet_means_no_drop_to_report():
    assert assess(1, 1, 0, History(average_yield=None)) == ("ok", "")


def test_zero_records_without_error_is_empty():
    assert assess(0, 0, 0, History(average_yield=30.0)) == (
        "empty",
        "zero records (was it moved or emptied?)",
    )


def test_zero_records_with_errors_is_a_failure():
    assert assess(0, 0, 1, History()) == ("failed", "no records")


def test_a_failure_just_before_the_threshold_is_still_failed():
    assert assess(0, 0, 1, History(consecutive_failures=BROKEN_AFTER - 2)) == ("failed", "no records")


def test_the_nth_failure_in_a_row_is_broken():
    history = History(consecutive_failures=BROKEN_AFTER - 1)
    assert assess(0, 0, 1, history) == ("broken", f"broken: {BROKEN_AFTER} failed runs in a row")


def test_a_broken_source_that_yields_again_is_no_longer_broken():
    assert assess(12, 12, 0, History(consecutive_failures=BROKEN_AFTER + 4, average_yield=12.0)) == ("ok", "")


def test_messages_are_one_line():
    cases = [
        (0, 0, 3, History(consecutive_failures=5)),
        (0, 0, 3, History()),
        (0, 0, 0, History()),
        (5, 5, 2, History()),
        (5, 1, 0, History()),
        (5, 5, 0, History(average_yield=100.0)),
    ]
    for case in cases:
        assert "\n" not in assess(*case)[1]


# --- source_history.sql: what the next run's `assess` is given ----------------------------------------------


def test_history_counts_only_the_failures_since_the_last_success(home: Path):
    wh = Warehouse(home)
    t0 = datetime(2026, 11, 1, 6, tzinfo=UTC)
    plan = {
        "flaky": [("ok", 30), ("failed", 0), ("ok", 10), ("failed", 0), ("broken", 0)],
        "dead": [("failed", 0), ("failed", 0)],
        "fine": [("ok", 20), ("degraded", 40), ("empty", 0)],
    }
    rows = [
        {
            "run_id": f"run-{n}",
            "source": source,
            "started_at": (t0 + timedelta(days=n)).isoformat(),
            "finished_at": (t0 + timedelta(days=n, minutes=3)).isoformat(),
            "status": status,
            "items": items,
        }
        for source, runs in plan.items()
        for n, (status, items) in enumerate(runs)
    ]
    wh.record_source_runs(rows)
    with wh.session() as con:
        got = {r[0]: r[1:] for r in con.execute(sql_text("read/source_history.sql")).fetchall()}
    assert got["flaky"][0] == 2
    assert got["flaky"][1] == pytest.approx(20.0)  # ok runs only: (30 + 10) / 2
    assert str(got["flaky"][2]).startswith("2026-11-03")  # the last ok run
    assert got["dead"][0] == 2
    assert got["dead"][1] is None
    assert got["dead"][2] is None
    assert got["fine"][0] == 0  # an empty run is flagged, but it is not a failure
    assert got["fine"][1] == pytest.approx(30.0)


# --- end to end: real runs of the pipeline against a local server -------------------------------------------

GOOD, FAILING, EMPTY = "good-feed", "failing-feed", "empty-feed"
FULL = 6  # items the good feed serves normally
FEW = 2  # a sharp drop: under SHARP_DROP of FULL

ITEM = (
    "<item><title>Appel à projets n° {n} : résidences d'artistes</title><link>{base}/appel-{n}</link>"
    "<guid>{base}/appel-{n}</guid><pubDate>Mon, 02 Nov 2026 09:00:00 +0100</pubDate>"
    "<description>Date limite de dépôt : 15 mars 2027 à 12h00.</description></item>"
)
# No title, no text and no link (the guid is not a permalink): nothing to name it by, a record the schema refuses.
# (An entry with a description but no title is named by its first sentence: see tests/test_refine_titles.py.)
NO_TITLE = '<item><guid isPermaLink="false">sans-titre-1</guid><pubDate>Mon, 02 Nov 2026 09:00:00 +0100</pubDate></item>'


def rss(items: list[str]) -> bytes:
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Appels</title>'
    head += "<link>http://127.0.0.1/</link><language>fr</language>"
    return (head + "".join(items) + "</channel></rss>").encode("utf-8")


# Each run must see what the handler serves now.
NO_STORE = {"Cache-Control": "no-store"}


class Handler(LoopbackHandler):
    mode = "full"  # full | few | invalid: what /good.xml serves now
    base = ""

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path == "/robots.txt":
            return self.send_body(200, b"User-agent: *\nAllow: /\n", "text/plain", NO_STORE)
        if self.path == "/good.xml":
            n = FEW if type(self).mode == "few" else FULL
            items = [ITEM.format(n=i, base=type(self).base) for i in range(1, n + 1)]
            if type(self).mode == "invalid":
                items.append(NO_TITLE)
            return self.send_body(200, rss(items), "application/rss+xml", NO_STORE)
        if self.path == "/empty.xml":
            return self.send_body(200, rss([]), "application/rss+xml", NO_STORE)
        if self.path == "/error.xml":
            return self.send_body(500, b"Internal Server Error", "text/plain", NO_STORE)
        return self.send_body(404, b"not found", "text/plain", NO_STORE)


REGISTRY = """\
# Fast politeness for a loopback server; one retry so a 500 fails quickly.
[settings]
AUTOTHROTTLE_ENABLED = false
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 2
RETRY_TIMES = 1
VIGIE_RETRY_BACKOFF_BASE = 0.05

[[source]]
name = "{good}"
family = "feed"
url = "{base}/good.xml"
kind = "call"
language = "fr"
country = "BE"

[[source]]
name = "{failing}"
family = "feed"
url = "{base}/error.xml"
kind = "call"
language = "fr"

[[source]]
name = "{empty}"
family = "feed"
url = "{base}/empty.xml"
kind = "event"
language = "fr"
"""


def vigie(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIGIE_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "vigie.cli", *args], capture_output=True, text=True, env=env, timeout=240
    )


def table_rows(output: str) -> dict[str, dict[str, str]]:
    """Rows of the rich table in `output`, by first cell (source name), keyed by column header."""
    lines = [line for line in output.splitlines() if line.count("│") >= 3 or line.count("┃") >= 3]
    header = [c.strip() for c in lines[0].strip("┃ ").split("┃")]
    rows = {}
    for line in lines[1:]:
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == len(header) and cells[0]:
            rows[cells[0]] = dict(zip(header, cells, strict=True))
    return rows


def flag_lines(output: str, source: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip().startswith(f"{source}: ")]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Five runs into one $VIGIE_HOME: three with the failing source failing each time, then the good feed
    with far fewer items, then with a record that breaks the schema."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    Handler.base, Handler.mode = base, "full"
    home = tmp_path_factory.mktemp("health-home")
    registry = home.parent / "sources.toml"
    registry.write_text(REGISTRY.format(good=GOOD, failing=FAILING, empty=EMPTY, base=base), encoding="utf-8")
    runs = []
    try:
        for mode in ("full", "full", "full", "few", "invalid"):
            Handler.mode = mode
            runs.append(vigie(home, "run", "--sources", str(registry)))
        sources = CliRunner().invoke(
            app, ["sources", "--sources", str(registry)], env={"VIGIE_HOME": str(home), "COLUMNS": "200"}
        )
    finally:
        httpd.shutdown()
        httpd.server_close()
    con = snapshot.connect(home)
    try:
        cur = con.execute("SELECT * FROM source_runs ORDER BY started_at, source")
        cols = [d[0] for d in cur.description]
        ledger = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        quarantine = con.execute("SELECT run_id, source, native_id, reason, raw FROM quarantine").fetchall()
    finally:
        con.close()
    run_ids = sorted({r["run_id"] for r in ledger})
    by_run = [{r["source"]: r for r in ledger if r["run_id"] == run_id} for run_id in run_ids]
    yield {
        "runs": runs,
        "sources": sources,
        "ledger": by_run,
        "run_ids": run_ids,
        "quarantine": quarantine,
        "base": base,
    }


def test_every_run_succeeds_without_a_traceback(scenario):
    for done in scenario["runs"]:
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stdout + done.stderr


def test_first_run_flags_the_failing_source_and_keeps_the_good_one_ok(scenario):
    out = scenario["runs"][0].stdout
    rows = table_rows(out)
    assert rows[GOOD]["status"] == "ok"
    assert rows[GOOD]["items"] == str(FULL)
    assert rows[GOOD]["valid"] == str(FULL)
    assert rows[GOOD]["errors"] == "0"
    assert rows[FAILING]["status"] == "failed"
    assert rows[FAILING]["items"] == "0"
    assert rows[FAILING]["errors"] == "1"
    assert flag_lines(out, FAILING) == [
        f"{FAILING}: {scenario['base']}/error.xml: HTTP 500",
        f"{FAILING}: no records",
    ]
    assert flag_lines(out, GOOD) == []


def test_a_feed_with_no_entry_is_flagged_empty(scenario):
    out = scenario["runs"][0].stdout
    assert table_rows(out)[EMPTY]["status"] == "empty"
    assert flag_lines(out, EMPTY) == [f"{EMPTY}: zero records (was it moved or emptied?)"]


def test_second_failure_in_a_row_is_still_failed(scenario):
    assert table_rows(scenario["runs"][1].stdout)[FAILING]["status"] == "failed"


def test_third_failure_in_a_row_is_reported_broken_in_the_run_summary(scenario):
    out = scenario["runs"][2].stdout
    assert table_rows(out)[FAILING]["status"] == "broken"
    assert f"{FAILING}: broken: {BROKEN_AFTER} failed runs in a row" in flag_lines(out, FAILING)
    assert table_rows(out)[GOOD]["status"] == "ok"


def test_a_broken_source_stays_broken_while_it_keeps_failing(scenario):
    out = scenario["runs"][4].stdout
    assert f"{FAILING}: broken: 5 failed runs in a row" in flag_lines(out, FAILING)


def test_vigie_sources_reports_the_broken_source(scenario):
    done = scenario["sources"]
    assert done.exit_code == 0, done.output
    rows = table_rows(done.output)
    assert rows[FAILING]["health"] == "broken"
    assert rows[FAILING]["failures in a row"] == "5"
    assert rows[FAILING]["last success"] == "-"
    assert rows[FAILING]["last yield"] == "0"
    assert rows[GOOD]["health"] == "degraded"  # the last run quarantined a record
    assert rows[GOOD]["failures in a row"] == "0"
    assert rows[GOOD]["last yield"] == str(FULL + 1)
    last_run = scenario["ledger"][4][GOOD]["finished_at"]  # Brussels time, like the command
    assert rows[GOOD]["last success"] == last_run.strftime("%Y-%m-%d %H:%M")
    assert rows[EMPTY]["health"] == "empty"


def test_the_ledger_holds_a_row_per_source_per_run(scenario):
    assert len(scenario["run_ids"]) == 5
    for run in scenario["ledger"]:
        assert set(run) == {GOOD, FAILING, EMPTY}


def test_the_ledger_records_items_valid_and_errors(scenario):
    first = scenario["ledger"][0]
    assert first[GOOD]["status"] == "ok"
    assert first[GOOD]["items"] == FULL
    assert first[GOOD]["valid"] == FULL
    assert first[GOOD]["new"] == FULL
    assert first[GOOD]["errors"] == 0
    assert first[GOOD]["quarantined"] == 0
    assert first[GOOD]["bytes"] > 0
    assert first[FAILING]["status"] == "failed"
    assert first[FAILING]["items"] == 0
    assert first[FAILING]["valid"] == 0
    assert first[FAILING]["errors"] == 1
    assert first[FAILING]["message"] == f"{scenario['base']}/error.xml: HTTP 500; no records"
    assert [run[FAILING]["status"] for run in scenario["ledger"]] == [
        "failed",
        "failed",
        "broken",
        "broken",
        "broken",
    ]
    assert scenario["ledger"][1][GOOD]["new"] == 0  # the same items again: nothing new


def test_the_run_summary_shows_each_sources_time(scenario):
    for done in scenario["runs"]:
        for source, row in table_rows(done.stdout).items():
            assert re.fullmatch(r"\d+\.\d s", row["time"]), f"{source}: time {row['time']!r}"


def test_the_ledger_records_each_sources_time(scenario):
    for run in scenario["ledger"]:
        for source, row in run.items():
            assert row["seconds"] is not None, f"{source}: no time recorded"
            assert 0 < row["seconds"] < 60


def test_a_sharp_drop_in_yield_is_flagged(scenario):
    out = scenario["runs"][3].stdout
    row = table_rows(out)[GOOD]
    assert row["status"] == "degraded"
    assert row["items"] == str(FEW)
    assert flag_lines(out, GOOD) == [f"{GOOD}: yield {FEW} is far below the recent average {FULL}"]
    assert scenario["ledger"][3][GOOD]["status"] == "degraded"
    assert scenario["ledger"][3][GOOD]["message"] == f"yield {FEW} is far below the recent average {FULL}"


def test_a_record_that_breaks_the_schema_is_quarantined_with_its_reason(scenario):
    last_run = scenario["run_ids"][4]
    rows = [r for r in scenario["quarantine"] if r[1] == GOOD]
    assert len(rows) == 1
    run_id, source, native_id, reason, raw = rows[0]
    assert run_id == last_run
    assert native_id == "sans-titre-1"
    assert reason == "title is missing"
    assert json.loads(raw)["raw_ref"] == "sans-titre-1"  # the raw record itself is kept


def test_a_quarantined_record_is_counted_not_dropped(scenario):
    out = scenario["runs"][4].stdout
    row = table_rows(out)[GOOD]
    assert row["items"] == str(FULL + 1)
    assert row["valid"] == str(FULL)
    assert row["quarantined"] == "1"
    assert row["status"] == "degraded"
    assert flag_lines(out, GOOD) == [f"{GOOD}: only {FULL}/{FULL + 1} records valid"]
    ledger = scenario["ledger"][4][GOOD]
    assert ledger["items"] == FULL + 1
    assert ledger["valid"] == FULL
    assert ledger["quarantined"] == 1
    assert ledger["items"] == ledger["valid"] + ledger["quarantined"]


def test_only_the_schema_breaking_record_was_quarantined(scenario):
    assert [r[1] for r in scenario["quarantine"]] == [GOOD]
