"""Loading refined items: set-based upsert, idempotence, change history, repeated ids refused, one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from factories import make_item

from vigie.core.errors import WarehouseError
from warehouse.store import Warehouse

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def rows(wh: Warehouse, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        con.execute("SET TimeZone = 'Europe/Brussels'")
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def wh(home: Path) -> Warehouse:
    return Warehouse(home)


def test_first_load_inserts_every_item_with_derived_columns(wh: Warehouse) -> None:
    item = make_item(
        1,
        title="Théâtre: résidences",
        language="fr",
        texts={
            "fr": {"title": "Théâtre: résidences", "summary": "Créations à Liège"},
            "nl": {"title": "Stadsschouwburg: residenties", "summary": "Creaties in Luik"},
        },
    )
    result = wh.load([item, make_item(2)], "run-1", T0)
    assert (result.new, result.updated, result.unchanged) == (2, 0, 0)
    assert result.new_ids == ["test-source:1", "test-source:2"]
    assert result.total == 2
    (languages, search_text, content_hash, first_seen, last_seen, updated, run_id, deadline) = rows(
        wh,
        "SELECT languages, search_text, content_hash, first_seen_at, last_seen_at, updated_at, run_id, "
        "deadline_at FROM opportunities WHERE id = 'test-source:1'",
    )[0]
    assert languages == ["fr", "nl"]
    assert "theatre: residences" in search_text
    assert "stadsschouwburg: residenties" in search_text
    assert "creations a liege" in search_text
    assert search_text == search_text.lower()
    assert len(content_hash) == 32
    assert first_seen == last_seen == updated == T0
    assert run_id == "run-1"
    assert deadline.isoformat() == "2027-03-15T12:00:00+01:00"


def test_second_identical_load_changes_nothing(wh: Warehouse) -> None:
    items = [make_item(n) for n in range(1, 21)]
    wh.load(items, "run-1", T0)
    before = rows(wh, "SELECT * EXCLUDE (last_seen_at) FROM opportunities ORDER BY id")
    result = wh.load(items, "run-2", T0 + timedelta(days=1))
    assert (result.new, result.updated, result.unchanged) == (0, 0, 20)
    assert result.new_ids == [] and result.updated_ids == []
    after = rows(wh, "SELECT * EXCLUDE (last_seen_at) FROM opportunities ORDER BY id")
    assert after == before  # content, updated_at, first_seen_at and run_id untouched
    assert rows(wh, "SELECT count(*) FROM changes") == [(0,)]
    # ...but the items were seen again.
    assert rows(wh, "SELECT DISTINCT last_seen_at FROM opportunities") == [(T0 + timedelta(days=1),)]


def test_postponed_deadline_and_cancellation_are_recorded_as_changes(wh: Warehouse) -> None:
    wh.load([make_item(1), make_item(2), make_item(3)], "run-1", T0)
    later = T0 + timedelta(days=2)
    result = wh.load(
        [
            make_item(1, deadline_at="2027-04-30T12:00:00+02:00"),
            make_item(2, status="cancelled"),
            make_item(3),
        ],
        "run-2",
        later,
    )
    assert (result.new, result.updated, result.unchanged) == (0, 2, 1)
    assert result.updated_ids == ["test-source:1", "test-source:2"]
    changes = rows(wh, "SELECT id, field, old, new, changed_at, run_id FROM changes ORDER BY id")
    assert changes == [
        (
            "test-source:1",
            "deadline_at",
            "2027-03-15T12:00:00+01:00",
            "2027-04-30T12:00:00+02:00",
            later,
            "run-2",
        ),
        ("test-source:2", "status", "open", "cancelled", later, "run-2"),
    ]
    first_seen, updated, run_id = rows(
        wh, "SELECT first_seen_at, updated_at, run_id FROM opportunities WHERE id = 'test-source:1'"
    )[0]
    assert first_seen == T0
    assert updated == later
    assert run_id == "run-2"
    assert rows(wh, "SELECT run_id FROM opportunities WHERE id = 'test-source:3'") == [("run-1",)]


def test_a_batch_that_repeats_an_id_is_refused(wh: Warehouse) -> None:
    # refine keeps one item per id (the last reading); a load that still repeats one is a caller's bug
    batch = [make_item(1, title="first version"), make_item(2), make_item(1, title="second version")]
    with pytest.raises(WarehouseError, match="'test-source:1' appears twice"):
        wh.load(batch, "run-1", T0)


def test_a_failing_load_commits_nothing(wh: Warehouse) -> None:
    wh.load([make_item(1)], "run-1", T0)
    bad = make_item(3)
    bad["deadline_at"] = "next tuesday"  # refine would never let this through
    with pytest.raises(WarehouseError, match="load of run run-2 failed"):
        wh.load([make_item(1, status="closed"), make_item(2), bad], "run-2", T0 + timedelta(days=1))
    assert rows(wh, "SELECT id, status FROM opportunities") == [("test-source:1", "open")]
    assert rows(wh, "SELECT count(*) FROM changes") == [(0,)]


def test_a_session_commits_load_quarantine_and_ledger_together(wh: Warehouse) -> None:
    with pytest.raises(RuntimeError), wh.session():
        wh.load([make_item(1)], "run-1", T0)
        wh.quarantine(
            [{"source": "test-source", "native_id": "9", "reason": "no title", "record": {"x": 1}}],
            "run-1",
            T0,
        )
        raise RuntimeError("the flow died before the end of the run")
    assert rows(wh, "SELECT count(*) FROM opportunities") == [(0,)]
    assert rows(wh, "SELECT count(*) FROM quarantine") == [(0,)]
    with wh.session():
        wh.load([make_item(1)], "run-2", T0)
        wh.quarantine(
            [{"source": "test-source", "native_id": "9", "reason": "no title", "record": {"x": 1}}],
            "run-2",
            T0,
        )
    assert rows(wh, "SELECT count(*) FROM opportunities") == [(1,)]
    assert rows(wh, "SELECT run_id, source, native_id, reason, raw->>'x' FROM quarantine") == [
        ("run-2", "test-source", "9", "no title", "1")
    ]


def test_source_runs_ledger(wh: Warehouse) -> None:
    row = {
        "run_id": "run-1",
        "source": "test-source",
        "started_at": T0.isoformat(),
        "finished_at": (T0 + timedelta(seconds=5)).isoformat(),
        "status": "ok",
        "items": 12,
        "valid": 11,
        "new": 11,
        "updated": 0,
        "quarantined": 1,
        "errors": 0,
        "bytes": 4096,
        "message": "",
    }
    wh.record_source_runs([row])
    wh.record_source_runs([row | {"status": "degraded", "message": "1 error"}])  # same run recorded again
    assert rows(
        wh,
        "SELECT run_id, source, status, items, valid, quarantined, bytes, message, finished_at "
        "FROM source_runs",
    ) == [("run-1", "test-source", "degraded", 12, 11, 1, 4096, "1 error", T0 + timedelta(seconds=5))]
    with pytest.raises(WarehouseError, match="status 'sideways'"):
        wh.record_source_runs([row | {"status": "sideways"}])


def test_newsletter_history_round_trip(wh: Warehouse) -> None:
    sent = [
        {
            "id": "test-source:1",
            "deadline_at": "2027-03-15T12:00:00+01:00",
            "status": "open",
            "content_hash": "abc",
        }
    ]
    wh.record_newsletter_issue(
        {
            "issue_id": "digest-fr-1",
            "theme": "digest",
            "lang": "fr",
            "created_at": T0,
            "recipients": 3,
            "subject": "Vigie",
            "html_path": "x.html",
            "items": sent,
        }
    )
    wh.record_newsletter_issue(
        {"issue_id": "culture-fr-1", "theme": "culture", "created_at": T0, "items": []}
    )
    history = wh.newsletter_history("digest")
    assert [h["issue_id"] for h in history] == ["digest-fr-1"]
    assert history[0]["items"] == sent
    assert history[0]["recipients"] == 3
    assert history[0]["created_at"] == T0


def test_newsletter_waits_for_the_lock_then_gives_a_one_line_error(home: Path) -> None:
    holder = Warehouse(home)
    holder.migrate()
    import subprocess
    import sys

    # Another process holds the file (as a run does during its load).
    script = (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
        "time.sleep(float(sys.argv[2]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(holder.path), "0.8"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        waited = Warehouse(home, lock_timeout=10)
        waited.record_newsletter_issue(
            {"issue_id": "i1", "theme": "digest", "items": []}
        )  # waits, then works
        assert [h["issue_id"] for h in waited.newsletter_history("digest")] == ["i1"]
    finally:
        proc.wait(timeout=10)
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(holder.path), "3"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseError) as refused:
            Warehouse(home, lock_timeout=0.3).newsletter_history("digest")
        # The message names the holder, so a person knows which process to wait for or stop.
        assert f"still locked by another process (PID {proc.pid}" in str(refused.value)
        assert str(refused.value).endswith("after 0 s; try again later")
    finally:
        proc.kill()
        proc.wait()


def test_cluster_candidates_feed_refine_dedupe(wh: Warehouse) -> None:
    wh.load(
        [
            make_item(1, cluster_id="test-source:0"),
            make_item(
                2,
                kind="event",
                deadline_at=None,
                deadline_precision=None,
                starts_at="2027-06-01T00:30:00+02:00",
            ),
        ],
        "run-1",
        T0,
    )
    got = wh.cluster_candidates()
    assert got[0] == (
        "test-source:1",
        "test-source:0",
        "arts scene 1",
        "2027-03-15T12:00:00+01:00",
        "Fédération Wallonie-Bruxelles",
    )
    assert got[1][3] == "2027-06-01T00:30:00+02:00"  # local day kept: refine compares the first 10 chars


def test_naive_now_is_refused(wh: Warehouse) -> None:
    with pytest.raises(WarehouseError, match="has no time zone"):
        wh.load([make_item(1)], "run-1", datetime(2026, 11, 20))


def test_a_big_load_goes_in_chunks_of_one_transaction(wh: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    from warehouse import store

    monkeypatch.setattr(store, "LOAD_CHUNK", 2)
    first = wh.load([make_item(n) for n in range(5)], "run-1", T0)
    assert (first.new, first.updated, first.unchanged, first.total) == (5, 0, 0, 5)
    assert first.new_ids == [f"test-source:{n}" for n in range(5)]
    changed = [make_item(n) for n in range(4)] + [make_item(4, title="Nouveau titre"), make_item(5)]
    second = wh.load(changed, "run-2", T0 + timedelta(days=1))
    assert (second.new, second.updated, second.unchanged, second.total) == (1, 1, 4, 6)
    assert second.updated_ids == ["test-source:4"]
    assert rows(
        wh, "SELECT count(*) FROM opportunities WHERE last_seen_at = $1", [T0 + timedelta(days=1)]
    ) == [(6,)]
    # A chunk that fails takes the chunks before it with it.
    broken = [make_item(n) for n in range(10, 15)]
    broken[-1]["deadline_at"] = "next tuesday"  # in the last chunk; refine would never let this through
    with pytest.raises(WarehouseError, match="load of run run-3 failed"):
        wh.load(broken, "run-3", T0 + timedelta(days=2))
    assert rows(wh, "SELECT count(*) FROM opportunities") == [(6,)]
