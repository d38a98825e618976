"""Reading the TOML files people edit (config/*.toml, registries): one way to say what is wrong with one."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from vigie.core.errors import VigieError


def load_toml(path: Path, error: type[VigieError], missing: str = "file not found") -> dict[str, Any]:
    """The parsed file, or `error` with a one-line message naming the file and the problem."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: {missing}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path.name}: not valid TOML ({exc})") from None
