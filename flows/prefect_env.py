"""Prefect settings for quiet offline runs (stack.md §2). Must run before `import prefect`."""

from __future__ import annotations

import os
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


def configure(home: Path) -> None:
    """Quiet defaults; Prefect's own database lives with the rest of Vigie's state unless PREFECT_HOME is set."""
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("PREFECT_HOME", str(home / ".prefect"))
