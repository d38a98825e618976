"""Shared test setup: state goes to a temporary $VIGIE_HOME, never into the checkout."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"

sys.path.insert(0, str(ROOT / "tests"))  # tests/factories.py

pytest_plugins = ["browser_support"]  # the `browser` fixture of the headless Chromium tests


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("VIGIE_HOME", tempfile.mkdtemp(prefix="vigie-test-home-"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # Test servers listen on 127.0.0.1, which the network policy refuses unless allowed (spiders.netpolicy).
    os.environ.setdefault("VIGIE_ALLOW_NETWORKS", "127.0.0.1/32")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty $VIGIE_HOME for one test."""
    path = tmp_path / "vigie-home"
    path.mkdir()
    monkeypatch.setenv("VIGIE_HOME", str(path))
    return path


@pytest.fixture
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    return SHARED_CORPUS
