"""Where Vigie keeps its state: everything lives under one data directory, $VIGIE_HOME (default ./vigie-data)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
CONFIG_DIR = Path(os.environ.get("VIGIE_CONFIG", PROJECT_ROOT / "config"))


def home() -> Path:
    """The data directory, created on first use."""
    path = Path(os.environ.get("VIGIE_HOME", "vigie-data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def warehouse_path(base: Path | None = None) -> Path:
    """The pipeline's own read-write DuckDB file. Only the pipeline opens it."""
    return (base or home()) / "warehouse.duckdb"


def snapshot_path(base: Path | None = None) -> Path:
    """The published read-only snapshot that `vigie query`, `vigie serve` and working groups open."""
    return (base or home()) / "published.duckdb"


def raw_dir(run_id: str, base: Path | None = None) -> Path:
    """Raw responses and raw records of one run: kept so nothing collected is ever lost."""
    return (base or home()) / "raw" / run_id


def newsletters_dir(base: Path | None = None) -> Path:
    return (base or home()) / "newsletters"


def newsroom_dir(base: Path | None = None) -> Path:
    """The newsroom's state: accounts, the session key, drafts and the copies of sent issues."""
    return (base or home()) / "newsroom"
