"""`vigie query`, `vigie export`, the snapshot and full-text search, over a published warehouse."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from factories import make_item

from vigie.core.errors import NoSnapshotError, QueryError
from warehouse.export import export
from warehouse.query import run_query
from warehouse.snapshot import connect
from warehouse.store import Warehouse

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


@pytest.fixture
def published(home: Path) -> Path:
    wh = Warehouse(home)
    wh.load(
        [
            make_item(
                1,
                title="Théâtre en tournée",
                texts={
                    "fr": {"title": "Théâtre en tournée", "summary": "Diffusion des arts de la scène"},
                    "nl": {
                        "title": "Theater op tournee",
                        "summary": "Spreiding in de Stadsschouwburg van Brugge",
                    },
                },
            ),
            make_item(
                2,
                title="Résidence d'écriture",
                regions=["BE-WAL", "BE-BRU"],
                texts={"fr": {"title": "Résidence d'écriture", "summary": "Pour autrices et auteurs"}},
            ),
            make_item(
                3,
                kind="tender",
                title="Audiovisual services",
                language="en",
                cpv=["92100000"],
                texts={"en": {"title": "Audiovisual services", "summary": "Filming of the theatre festival"}},
            ),
        ],
        "run-1",
        T0,
    )
    wh.publish()
    return home


def test_csv_has_a_header_and_one_line_per_row(published: Path) -> None:
    text = run_query("SELECT id, regions, deadline_at FROM opportunities ORDER BY id", "csv", home=published)
    assert text is not None
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["id", "regions", "deadline_at"]
    assert lines[2] == ["test-source:2", "BE-WAL; BE-BRU", "2027-03-15T12:00:00+01:00"]
    assert len(lines) == 4


def test_json_is_one_array_of_objects(published: Path) -> None:
    text = run_query(
        "SELECT id, texts, cpv, deadline_at FROM opportunities WHERE kind = 'tender'", "json", home=published
    )
    assert text is not None
    data = json.loads(text)
    assert data == [
        {
            "id": "test-source:3",
            "cpv": ["92100000"],
            "deadline_at": "2027-03-15T12:00:00+01:00",
            "texts": {"en": {"title": "Audiovisual services", "summary": "Filming of the theatre festival"}},
        }
    ]


def test_parquet_needs_out_and_is_readable(published: Path, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="give --out"):
        run_query("SELECT 1", "parquet", home=published)
    out = tmp_path / "calls.parquet"
    assert (
        run_query("SELECT id, sectors FROM opportunities ORDER BY id", "parquet", out, home=published) is None
    )
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == ["test-source:1", "test-source:2", "test-source:3"]
    assert table.column("sectors").to_pylist()[0] == ["performing-arts"]


def test_table_format_aligns_columns(published: Path) -> None:
    text = run_query("SELECT id, kind FROM opportunities ORDER BY id LIMIT 2", home=published)
    assert text == (
        "id             kind\n-------------  ----\ntest-source:1  call\ntest-source:2  call\n(2 rows)\n"
    )


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM opportunities",
        "INSERT INTO changes VALUES ('x', 'status', 'a', 'b', now(), 'r')",
        "CREATE TABLE t AS SELECT 1",
        "COPY opportunities TO '{tmp}/should-not-exist.csv'",
        "ATTACH '{tmp}/other.duckdb'",
        "SET threads = 1",
    ],
)
def test_writes_are_refused_in_one_line(published: Path, sql: str, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(QueryError) as exc:
        run_query(sql.replace("{tmp}", str(elsewhere)), home=published)
    assert str(exc.value).startswith("refused: ")
    assert "read-only" in str(exc.value)
    assert "\n" not in str(exc.value)
    assert list(elsewhere.iterdir()) == []  # nothing was written there


def test_sql_errors_are_one_line(published: Path) -> None:
    with pytest.raises(QueryError) as exc:
        run_query("SELECT nope FROM opportunities", home=published)
    assert str(exc.value).startswith('query failed: Binder Error: Referenced column "nope" not found')
    assert "\n" not in str(exc.value)
    with pytest.raises(QueryError, match="one statement at a time"):
        run_query("SELECT 1; SELECT 2", home=published)


def test_no_snapshot_yet(home: Path) -> None:
    with pytest.raises(NoSnapshotError) as exc:
        run_query("SELECT 1", home=home)
    assert str(exc.value) == f"no published warehouse yet under {home}: run `vigie run` first"


def test_snapshot_is_read_only_and_in_brussels_time(published: Path) -> None:
    con = connect(published)
    try:
        (deadline,) = con.execute(
            "SELECT deadline_at FROM opportunities WHERE id = 'test-source:1'"
        ).fetchone()
        assert deadline.isoformat() == "2027-03-15T12:00:00+01:00"
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("DELETE FROM opportunities")
    finally:
        con.close()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("theatre", ["1", "3"]),  # Théâtre (fr), Theater (nl) does not contain it, "theatre festival" (en)
        ("THÉÂTRE", ["1", "3"]),
        ("schouwburg", ["1"]),  # inside the Dutch compound "Stadsschouwburg", only in the nl text
        ("ecriture autrices", ["2"]),  # every word must appear
        ("tournee", ["1"]),
        ("opera", []),
    ],
)
def test_search_is_accent_insensitive_in_every_language(published: Path, q: str, expected: list[str]) -> None:
    con = connect(published)
    try:
        ids = [
            r[0].split(":")[1] for r in con.execute("SELECT id FROM search(?) ORDER BY id", [q]).fetchall()
        ]
    finally:
        con.close()
    assert ids == expected


def test_export_writes_parquet_and_csv_of_the_main_tables(published: Path, tmp_path: Path) -> None:
    written = export(published, tmp_path / "out")
    names = sorted(p.name for p in written)
    assert names == sorted(
        f"{t}.{f}"
        for t in ("opportunities", "changes", "source_runs", "quarantine", "newsletter_issues")
        for f in ("parquet", "csv")
    )
    assert pq.read_table(tmp_path / "out" / "opportunities.parquet").num_rows == 3
    with open(tmp_path / "out" / "opportunities.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["id"] == "test-source:1"
    assert rows[1]["regions"] == "BE-WAL; BE-BRU"
    assert rows[0]["deadline_at"] == "2027-03-15T12:00:00+01:00"
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_publish_also_writes_parquet_exports(published: Path) -> None:
    table = pq.read_table(published / "export" / "opportunities.parquet")
    assert sorted(table.column("id").to_pylist()) == ["test-source:1", "test-source:2", "test-source:3"]


def test_csv_and_json_can_go_to_a_file(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "closing.csv"
    assert run_query("SELECT id, kind FROM opportunities ORDER BY id", "csv", out, home=published) is None
    assert out.read_text(encoding="utf-8").splitlines() == [
        "id,kind",
        "test-source:1,call",
        "test-source:2,call",
        "test-source:3,tender",
    ]
    with pytest.raises(QueryError, match="--format: 'xlsx' is not one of table, csv, json, parquet"):
        run_query("SELECT 1", "xlsx", home=published)
