"""A whole `vigie run` with open-data places sources (the `places` family) over 127.0.0.1: their rows become places,
never items; the run counts the valid rows and quarantines the refused one with its reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from factories import loopback_server
from test_places_sources import REGISTRY, Handler

from vigie.core.paths import warehouse_path

FAST = """[settings]
AUTOTHROTTLE_ENABLED = false
DOWNLOAD_DELAY = 0
RETRY_TIMES = 0
"""


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("places-run")
    with loopback_server(Handler) as base:
        registry = home / "sources.toml"
        registry.write_text(FAST + REGISTRY.format(base=base), encoding="utf-8")
        env = {**os.environ, "VIGIE_HOME": str(home), "COLUMNS": "200"}
        done = subprocess.run(
            [sys.executable, "-m", "vigie.cli", "run", "--sources", str(registry)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return home


def one(home: Path, sql: str) -> tuple:
    con = duckdb.connect(str(warehouse_path(home)), read_only=True)
    try:
        return con.execute(sql).fetchone()
    finally:
        con.close()


def test_valid_rows_are_counted(ran):
    assert one(ran, "SELECT valid FROM source_runs WHERE source = 'uk-makerspaces'") == (38,)


def test_refused_row_is_counted(ran):
    assert one(ran, "SELECT quarantined FROM source_runs WHERE source = 'uk-makerspaces'") == (1,)


def test_refused_row_is_quarantined_with_its_reason(ran):
    assert one(ran, "SELECT reason FROM quarantine WHERE source = 'uk-makerspaces'") == (
        "uk-makerspaces row 35 (Maker Club): postcode 'BN1 41J' is not a GB postcode",
    )


def test_rows_are_places(ran):
    assert one(ran, "SELECT count(*) FROM places WHERE list_contains(sources, 'osm-niort-cinemas')") == (2,)


def test_rows_are_not_items(ran):
    assert one(ran, "SELECT count(*) FROM opportunities") == (0,)


def test_live_check_of_a_places_source_counts_places_and_refused_rows(tmp_path):
    from flows.check import check_source

    with loopback_server(Handler) as base:
        registry = tmp_path / "sources.toml"
        registry.write_text(FAST + REGISTRY.format(base=base), encoding="utf-8")
        report = check_source("uk-makerspaces", registry, tmp_path)
    assert (len(report.refined.items), len(report.refined.quarantined), report.ok) == (38, 1, True)
