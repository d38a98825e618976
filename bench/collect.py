"""Incremental collection: a second run over unchanged sources must download no unchanged body again and
cost under 20 % of the first (SPEC §7).

Serves the demo sample on 127.0.0.1 behind a throttle that imitates a remote publisher (latency per request,
limited bandwidth), collects every demo source twice into a fresh $VIGIE_HOME, and prints both runs.
Last line: JSON with first_s, second_s, ratio, first_bytes, second_bytes, not_modified.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from spiders.crawl import collect  # noqa: E402
from vigie import registry  # noqa: E402
from vigie.demo import server as demo_server  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "vigie" / "demo" / "sources.toml"


def throttled(latency: float, bandwidth: float) -> type:
    class Throttled(demo_server.StaticHandler):
        def send_head(self):  # type: ignore[no-untyped-def]
            time.sleep(latency)
            return super().send_head()

        def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
            data = source.read()
            type(self).bytes_sent += len(data)
            time.sleep(len(data) / bandwidth)
            outputfile.write(data)

    return Throttled


async def run_once(sources, home: Path, run: str, settings: dict) -> tuple[float, list]:
    started = time.perf_counter()
    results = await asyncio.gather(
        *(collect(s, home=home, run_dir=home / "raw" / run, overrides=settings) for s in sources)
    )
    return time.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=80.0)
    parser.add_argument("--bandwidth-kbps", type=float, default=4000.0, help="kilobytes per second")
    parser.add_argument("--items", type=int, default=0, help="unused (for a uniform bench interface)")
    args = parser.parse_args()

    import threading
    from functools import partial
    from http.server import ThreadingHTTPServer

    handler = throttled(args.latency_ms / 1000, args.bandwidth_kbps * 1024)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(demo_server.SITE)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    reg = registry.load(DEMO, substitutions={"demo": url})
    with tempfile.TemporaryDirectory(prefix="vigie-bench-collect-") as tmp:
        home = Path(tmp)
        figures = {}
        for run in ("first", "second"):
            handler.bytes_sent = 0
            seconds, results = asyncio.run(run_once(reg.sources, home, run, reg.settings))
            figures[run] = {
                "seconds": seconds,
                "server_body_bytes": handler.bytes_sent,
                "records": sum(r.records for r in results),
                "not_modified": sum(r.not_modified for r in results),
                "responses": sum(r.responses for r in results),
                "errors": sum(len(r.errors) for r in results),
            }
            f = figures[run]
            print(
                f"{run:>6} run: {f['seconds']:.2f} s, {f['responses']} responses, {f['not_modified']} × 304, "
                f"{f['server_body_bytes']:,} body bytes sent by the server, {f['records']} records, "
                f"{f['errors']} errors"
            )
    httpd.shutdown()
    ratio = figures["second"]["seconds"] / figures["first"]["seconds"]
    print(
        f"second/first time ratio: {ratio:.2f} (target < 0.20); publisher imitated with "
        f"{args.latency_ms:.0f} ms latency and {args.bandwidth_kbps:.0f} KB/s"
    )
    print(
        json.dumps(
            {
                "first_s": round(figures["first"]["seconds"], 3),
                "second_s": round(figures["second"]["seconds"], 3),
                "ratio": round(ratio, 3),
                "first_bytes": figures["first"]["server_body_bytes"],
                "second_bytes": figures["second"]["server_body_bytes"],
                "not_modified": figures["second"]["not_modified"],
            }
        )
    )


if __name__ == "__main__":
    main()
