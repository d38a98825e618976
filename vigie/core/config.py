"""Reading the TOML files people edit (config/*.toml, registries): one way to say what is wrong with one."""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from vigie.core.errors import VigieError
from vigie.core.paths import CONFIG_DIR

T = TypeVar("T")


def load_toml(path: Path, error: type[VigieError], missing: str = "file not found") -> dict[str, Any]:
    """The parsed file, or `error` with a one-line message naming the file and the problem."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: {missing}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path.name}: not valid TOML ({exc})") from None


def compiled_once(name: str, compile_file: Callable[[Path], T]) -> Callable[[Path | None], T]:
    """A getter for config/<name> compiled by `compile_file`: compiled on first use and kept for the process
    (taggers ask for it once per item), while `getter(path)` compiles another file afresh (tests, evals, a
    check of an edited copy). The lock keeps two threads of a run from compiling it twice."""
    kept: list[T] = []
    lock = threading.Lock()

    def getter(path: Path | None = None) -> T:
        if path is not None:
            return compile_file(path)
        if not kept:
            with lock:
                if not kept:
                    kept.append(compile_file(CONFIG_DIR / name))
        return kept[0]

    getter.__doc__ = (
        f"The compiled {CONFIG_DIR.name}/{name} (compiled once; pass `path` to compile another file)."
    )
    return getter
