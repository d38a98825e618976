"""The sector taxonomy's labels (config/sectors.toml), which every page, feed and newsletter shows."""

from __future__ import annotations

import tomllib
from functools import cache

from vigie.core.paths import CONFIG_DIR


@cache
def sector_labels() -> dict[str, dict[str, str]]:
    """Sector id -> {language: label}."""
    with open(CONFIG_DIR / "sectors.toml", "rb") as fh:
        return {s["id"]: s.get("label", {}) for s in tomllib.load(fh)["sector"]}
