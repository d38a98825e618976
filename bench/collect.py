"""Incremental collection: a second run over unchanged sources must download no unchanged body again and
cost under 20 % of the first (SPEC §7).

Two scenarios: the publisher on plain loopback (the figure the target applies to), and the same publisher
imitating a remote site. Serves the demo sample on 127.0.0.1 from a separate process (a publisher does not share our interpreter) behind
a throttle that imitates a remote publisher (latency per request, limited bandwidth), collects every demo source
twice into a fresh $VIGIE_HOME with the demo registry's settings, and prints both runs.
Last line: JSON with first_s, second_s, ratio, first_bytes, second_bytes, not_modified.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from spiders import registry  # noqa: E402
from spiders.crawl import collect  # noqa: E402
from vigie.demo import server as demo_server  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "vigie" / "demo" / "sources.toml"


def throttled(latency: float, bandwidth: float, sent: Any, asked: Any) -> type:
    class Throttled(demo_server.StaticHandler):
        def send_head(self):  # type: ignore[no-untyped-def]
            with asked.get_lock():
                asked.value += 1
            time.sleep(latency)
            return super().send_head()

        def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
            data = source.read()
            with sent.get_lock():
                sent.value += len(data)
            time.sleep(len(data) / bandwidth)
            outputfile.write(data)

    return Throttled


def publisher(port: Any, sent: Any, asked: Any, latency: float, bandwidth: float) -> None:
    handler = throttled(latency, bandwidth, sent, asked)
    httpd = demo_server.DemoHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(demo_server.SITE)))
    port.value = httpd.server_address[1]
    httpd.serve_forever()


async def run_once(sources, home: Path, run: str, settings: dict) -> tuple[float, list]:
    started = time.perf_counter()
    results = await asyncio.gather(
        *(collect(s, home=home, run_dir=home / "raw" / run, overrides=settings) for s in sources)
    )
    return time.perf_counter() - started, results


def scenario(name: str, latency_ms: float, bandwidth_kbps: float, quiet: bool = False) -> dict:
    """Two collections of every demo source against one publisher; prints both runs."""
    ctx = multiprocessing.get_context("fork")
    port, sent, asked = ctx.Value("i", 0), ctx.Value("q", 0), ctx.Value("q", 0)
    server = ctx.Process(
        target=publisher, args=(port, sent, asked, latency_ms / 1000, bandwidth_kbps * 1024), daemon=True
    )
    server.start()
    while not port.value:
        time.sleep(0.01)
    reg = registry.load(DEMO, substitutions={"demo": f"http://127.0.0.1:{port.value}"})
    say = (lambda *a: None) if quiet else print
    say(f"{name}: publisher with {latency_ms:.0f} ms per request, {bandwidth_kbps:,.0f} KB/s")
    figures = {}
    with tempfile.TemporaryDirectory(prefix="vigie-bench-collect-") as tmp:
        home = Path(tmp)
        for run in ("first", "second"):
            sent.value = asked.value = 0
            seconds, results = asyncio.run(run_once(reg.sources, home, run, reg.settings))
            f = figures[run] = {
                "seconds": seconds,
                "requests": asked.value,
                "bytes": sent.value,
                "records": sum(r.records for r in results),
                "not_modified": sum(r.not_modified for r in results),
                "reused": sum(r.reused for r in results),
                "errors": sum(len(r.errors) for r in results),
            }
            say(
                f"  {run:>6} run: {f['seconds']:.2f} s, {f['requests']} requests reached the publisher, "
                f"{f['not_modified']} answered 304, {f['reused']} immutable documents not asked for, "
                f"{f['bytes']:,} body bytes downloaded, {f['records']} records, {f['errors']} errors"
            )
    server.terminate()
    ratio = figures["second"]["seconds"] / figures["first"]["seconds"]
    say(f"  second/first time: {ratio:.2f} (target < 0.20)")
    return {
        "first_s": round(figures["first"]["seconds"], 3),
        "second_s": round(figures["second"]["seconds"], 3),
        "ratio": round(ratio, 3),
        "first_bytes": figures["first"]["bytes"],
        "second_bytes": figures["second"]["bytes"],
        "first_requests": figures["first"]["requests"],
        "second_requests": figures["second"]["requests"],
        "not_modified": figures["second"]["not_modified"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=80.0, help="for the remote-like publisher")
    parser.add_argument(
        "--bandwidth-kbps", type=float, default=4000.0, help="kilobytes per second, remote-like"
    )
    parser.add_argument("--items", type=int, default=0, help="unused (for a uniform bench interface)")
    args = parser.parse_args()
    # Imports and first-use setup would otherwise inflate whichever first run comes first.
    scenario("warm-up", 0, 10_000_000, quiet=True)
    loopback = scenario("loopback", 0, 10_000_000)
    remote = scenario("remote-like", args.latency_ms, args.bandwidth_kbps)
    print(json.dumps({**loopback, "remote_like": remote}))


if __name__ == "__main__":
    main()
