"""Valid items for tests of the later stages (warehouse, feeds, newsletters), built like refine builds them; the
real raw records of the fixtures for refine and staging tests; a loopback HTTP server for collection tests."""

from __future__ import annotations

import contextlib
import importlib.util
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from spiders import parsers
from vigie.core.items import validate_item

FIXTURES = Path(__file__).parent / "fixtures"
BENCH = Path(__file__).resolve().parents[1] / "bench"


def bench_module(relative: str) -> Any:
    """A script of bench/ ("evals/kinds.py") as a module: tests score with the benchmarks' own readers."""
    path = BENCH / relative
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def real_raw_records() -> dict[str, list[dict[str, Any]]]:
    """Real raw records of the fixtures (TED notices, French and Dutch feeds, calendars) by source `s-<folder>`,
    with the kind a registry entry would give them."""
    out: dict[str, list[dict[str, Any]]] = {}
    for folder, family in (("ted", None), ("feeds", "feed"), ("ics", "ics")):
        for path in sorted((FIXTURES / folder).glob("*.*")):
            if path.suffix == ".md":
                continue
            try:
                found = list(
                    parsers.parse(path.read_bytes(), family, source=f"s-{folder}", url=path.as_uri())
                )
            except Exception:  # noqa: S112 - fixtures meant to fail are not the point here
                continue
            for record in found:
                record["kind"] = record.get("kind") or ("event" if folder == "ics" else "call")
            out.setdefault(f"s-{folder}", []).extend(found)
    return out


def make_item(n: int = 1, **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"test-source:{n}",
        "kind": "call",
        "source": "test-source",
        "native_id": str(n),
        "url": f"https://example.org/calls/{n}",
        "title": f"Appel à projets arts de la scène {n}",
        "summary": "Soutien à la création pour les compagnies bruxelloises.",
        "language": "fr",
        "texts": {
            "fr": {
                "title": f"Appel à projets arts de la scène {n}",
                "summary": "Soutien à la création pour les compagnies bruxelloises.",
            }
        },
        "published_at": "2026-11-02T09:00:00+01:00",
        "deadline_at": "2027-03-15T12:00:00+01:00",
        "deadline_precision": "datetime",
        "starts_at": None,
        "ends_at": None,
        "organiser": "Fédération Wallonie-Bruxelles",
        "country": "BE",
        "regions": ["BE-BRU"],
        "scope": "community",
        "location": None,
        "cpv": [],
        "sectors": ["performing-arts"],
        "status": "open",
        "budget_amount": None,
        "budget_currency": None,
        "cluster_id": f"test-source:{n}",
        "flags": [],
    }
    item.update(overrides)
    errors = validate_item(item)
    assert not errors, errors
    return item


class LoopbackHandler(BaseHTTPRequestHandler):
    """A test server's handler: `send_body` answers in one call, and requests are not logged to stderr."""

    def send_body(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def loopback_server(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `handler` on 127.0.0.1 (or another loopback address) on a free port in a thread; yields the base
    URL."""
    httpd = ThreadingHTTPServer((host, 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
