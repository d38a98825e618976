"""Benchmark of `vigie serve`: filtered feeds over a warehouse of N items, against a static file as the floor.

    .venv/bin/python bench/feeds.py --items 100000 [--requests 2000] [--concurrency 8]

Fills a temporary $VIGIE_HOME through Warehouse.load + publish, starts uvicorn on 127.0.0.1 in a subprocess,
fires a fixed mix of filtered feed requests (all four formats, gzip accepted as feed readers do; a fifth with
the default view, which leaves out news, closed and past items) from a raw asyncio HTTP/1.1 keep-alive client,
then browse-page views (cached like feeds: a first view queries the snapshot), then does the same against a
static copy of one feed served by Starlette's StaticFiles under uvicorn. The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vigie.core.taxonomy import sector_labels  # noqa: E402
from warehouse.filters import REGIONS  # noqa: E402

BRU = ZoneInfo("Europe/Brussels")
KINDS = ("tender", "call", "event")
# Stored statuses as refine leaves them; deadlines already passed make more items closed at request time.
STATUS_MIX = ("open",) * 16 + ("forthcoming", "closed", "awarded", "cancelled")
# The sector ids and regions refine gives (config/sectors.toml, config/regions.toml).
SECTORS = tuple(sector_labels())
LANGS = ("fr", "nl", "en")
WORDS = {
    "fr": [
        "appel",
        "projets",
        "théâtre",
        "musique",
        "création",
        "résidence",
        "marché",
        "captation",
        "vidéo",
        "exposition",
        "danse",
        "atelier",
        "festival",
        "édition",
        "patrimoine",
        "numérique",
        "formation",
        "conception",
        "graphique",
        "scénographie",
    ],
    "nl": [
        "oproep",
        "project",
        "theater",
        "muziek",
        "creatie",
        "residentie",
        "opdracht",
        "video",
        "tentoonstelling",
        "dans",
        "werkplaats",
        "festival",
        "uitgeverij",
        "erfgoed",
        "digitaal",
        "opleiding",
        "grafisch",
        "ontwerp",
        "scenografie",
    ],
    "en": [
        "call",
        "project",
        "theatre",
        "music",
        "creation",
        "residency",
        "tender",
        "video",
        "exhibition",
        "dance",
        "workshop",
        "festival",
        "publishing",
        "heritage",
        "digital",
        "training",
        "graphic",
        "design",
        "scenography",
    ],
}


def make_items(n: int, now: datetime, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    items = []
    for i in range(n):
        # One item in twenty is news (never in a default feed); deadlines and events spread from a month ago.
        kind = "news" if i % 20 == 19 else KINDS[i % 3]
        lang = rng.choice(LANGS)
        words = WORDS[lang]
        title = " ".join(rng.sample(words, 5)).capitalize() + f" {i}"
        summary = " ".join(rng.choice(words) for _ in range(30)) + "."
        texts = {lang: {"title": title, "summary": summary}}
        if rng.random() < 0.3:
            other = "nl" if lang == "fr" else "fr"
            texts[other] = {
                "title": " ".join(rng.sample(WORDS[other], 5)) + f" {i}",
                "summary": " ".join(rng.choice(WORDS[other]) for _ in range(20)),
            }
        published = now - timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 1440))
        when = now + timedelta(days=rng.randint(-30, 200), hours=rng.randint(8, 20))
        item = {
            "id": f"bench:{i}",
            "kind": kind,
            "source": "bench",
            "native_id": str(i),
            "url": f"https://example.org/{kind}/{i}",
            "title": title,
            "summary": summary,
            "language": lang,
            "texts": texts,
            "published_at": published.isoformat(timespec="seconds"),
            "deadline_at": None,
            "deadline_precision": None,
            "starts_at": None,
            "ends_at": None,
            "organiser": rng.choice(["Ville de Liège", "Vlaamse overheid", "Commission européenne", "Smart"]),
            "country": "BE",
            "regions": [rng.choice(REGIONS)],
            "scope": rng.choice(["local", "regional", "european"]),
            "location": None,
            "cpv": [],
            "sectors": rng.sample(SECTORS, rng.choice((1, 1, 2))),
            "status": rng.choice(STATUS_MIX),
            "budget_amount": None,
            "budget_currency": None,
            "cluster_id": f"bench:{i}",
            "flags": [],
        }
        if kind == "event":
            item.update(
                starts_at=when.isoformat(timespec="seconds"),
                ends_at=(when + timedelta(hours=3)).isoformat(timespec="seconds"),
                location="Bruxelles",
            )
        elif kind != "news":
            item.update(deadline_at=when.isoformat(timespec="seconds"), deadline_precision="datetime")
        items.append(item)
    return items


def request_mix(n: int, seed: int = 11) -> list[str]:
    """A bounded set of filtered feed URLs, as many members' readers would poll them."""
    rng = random.Random(seed)
    urls = []
    for _ in range(60):
        fmt = rng.choice(("atom", "atom", "rss", "ics", "json"))
        # A fifth of the readers take the default view of all kinds; a few ask for closed items too.
        params = [f"kind={rng.choice(KINDS)}"] if rng.random() < 0.8 else []
        if rng.random() < 0.1:
            params.append("status=open,closed")
        if rng.random() < 0.8:
            params.append("sector=" + ",".join(rng.sample(SECTORS, rng.choice((1, 2)))))
        if rng.random() < 0.6:
            params.append(f"region={rng.choice(REGIONS)}")
        if rng.random() < 0.3:
            params.append(f"lang={rng.choice(LANGS)}")
        if rng.random() < 0.2:
            params.append("q=" + quote(rng.choice(WORDS["fr"])))
        if rng.random() < 0.3:
            params.append(f"closing-within={rng.choice((7, 14, 30))}")
        urls.append(f"/feeds/{fmt}?" + "&".join(params))
    return [rng.choice(urls) for _ in range(n)]


def page_mix(n: int, seed: int = 13) -> list[str]:
    """Browse-page views: the default view, then a kind, a sector or a region, and a few further pages."""
    rng = random.Random(seed)
    views = ["/?hl=fr", "/?hl=nl", "/?hl=en"]
    for _ in range(40):
        params = [f"hl={rng.choice(LANGS)}", f"kind={rng.choice(KINDS)}"]
        if rng.random() < 0.6:
            params.append(f"sector={rng.choice(SECTORS)}")
        if rng.random() < 0.4:
            params.append(f"region={rng.choice(REGIONS)}")
        if rng.random() < 0.2:
            params.append(f"page={rng.randint(2, 5)}")
        views.append("/?" + "&".join(params))
    return [rng.choice(views) for _ in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(code: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"bench/feeds.py: server on port {port} did not start")


async def _fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
        elif name.lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(length)
    return status


async def fire(
    port: int, paths: list[str], concurrency: int
) -> tuple[list[float], float, dict[int, int], list[float]]:
    """Latencies (ms) of all requests, wall time, statuses, and latencies of the first request of each URL."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for p in paths:
        queue.put_nowait(p)
    latencies: list[float] = []
    first: dict[str, tuple[float, float]] = {}
    statuses: dict[int, int] = {}

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                try:
                    path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                status = await _fetch(reader, writer, path)
                ms = (time.perf_counter() - t0) * 1000
                latencies.append(ms)
                if path not in first or first[path][0] > t0:
                    first[path] = (t0, ms)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - t0, statuses, [ms for _, ms in first.values()]


def figures(latencies: list[float], seconds: float) -> tuple[float, float, float]:
    ordered = sorted(latencies)
    return (
        round(statistics.median(ordered), 2),
        round(ordered[int(len(ordered) * 0.95) - 1], 2),
        round(len(ordered) / seconds, 1),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--keep", action="store_true", help="keep the temporary $VIGIE_HOME (default: delete it)")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="vigie-bench-feeds-"))
    try:
        bench(home, args)
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


def bench(home: Path, args: argparse.Namespace) -> None:
    from warehouse.store import Warehouse

    now = datetime.now(BRU)
    t0 = time.perf_counter()
    items = make_items(args.items, now)
    wh = Warehouse(home)
    wh.load(items, "bench-run", now)
    wh.publish()
    print(f"warehouse of {args.items} items built and published in {time.perf_counter() - t0:.1f} s ({home})")
    paths = request_mix(args.requests)
    print(
        f"{len(paths)} requests over {len(set(paths))} distinct filtered feeds, concurrency {args.concurrency}"
    )

    port = free_port()
    server = start_server(
        f"from pathlib import Path; from service.app import run; "
        f"run('127.0.0.1', {port}, Path({str(home)!r}))",
        port,
    )
    try:
        latencies, seconds, statuses, cold = asyncio.run(fire(port, paths, args.concurrency))
        pages = page_mix(max(200, args.requests // 10))
        p_lat, p_sec, p_statuses, _ = asyncio.run(fire(port, pages, args.concurrency))
        # The floor serves the very bytes of one feed response (gzip-encoded, as sent to readers).
        import httpx

        with httpx.stream(
            "GET", f"http://127.0.0.1:{port}{paths[0]}", headers={"Accept-Encoding": "gzip"}
        ) as r:
            body = b"".join(r.iter_raw())
    finally:
        server.terminate()
        server.wait(10)
    if set(statuses) != {200} or set(p_statuses) != {200}:
        raise SystemExit(f"bench/feeds.py: unexpected statuses {statuses} {p_statuses}")
    median_ms, p95_ms, rps = figures(latencies, seconds)
    p_median, p_p95, p_rps = figures(p_lat, p_sec)
    cold_median_ms = round(statistics.median(cold), 1)
    print(f"feeds:  median {median_ms} ms, p95 {p95_ms} ms, {rps} requests/s (cold renders included)")
    print(
        f"        first request of each of the {len(cold)} feeds (render, cache empty): median {cold_median_ms} ms"
    )
    print(
        f"browse: median {p_median} ms, p95 {p_p95} ms, {p_rps} requests/s "
        f"({len(pages)} views of {len(set(pages))} pages, cached like feeds)"
    )

    static_dir = home / "static"
    static_dir.mkdir()
    (static_dir / "feed.xml.gz").write_bytes(body)
    static_port = free_port()
    code = (
        "import uvicorn; from starlette.applications import Starlette; from starlette.routing import Mount; "
        "from starlette.staticfiles import StaticFiles; "
        f"app = Starlette(routes=[Mount('/', StaticFiles(directory={str(static_dir)!r}))]); "
        f"uvicorn.run(app, host='127.0.0.1', port={static_port}, access_log=False, log_level='warning')"
    )
    server = start_server(code, static_port)
    try:
        s_lat, s_sec, s_statuses, _ = asyncio.run(
            fire(static_port, ["/feed.xml.gz"] * args.requests, args.concurrency)
        )
    finally:
        server.terminate()
        server.wait(10)
    s_median, s_p95, s_rps = figures(s_lat, s_sec)
    print(
        f"static: median {s_median} ms, p95 {s_p95} ms, {s_rps} requests/s ({len(body)} bytes, {s_statuses})"
    )
    print(
        json.dumps(
            {
                "items": args.items,
                "requests": len(paths),
                "median_ms": median_ms,
                "p95_ms": p95_ms,
                "rps": rps,
                "cold_median_ms": cold_median_ms,
                "browse_median_ms": p_median,
                "browse_p95_ms": p_p95,
                "browse_rps": p_rps,
                "static_median_ms": s_median,
                "static_p95_ms": s_p95,
                "static_rps": s_rps,
            }
        )
    )


if __name__ == "__main__":
    main()
