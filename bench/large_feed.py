"""A large RSS feed (default 50 MB, SPEC: under 30 s in bounded memory), read by the feed family the way a spider
reads it (spiders.parsers.parse, which streams feeds above spiders.parsers.feed_large.LARGE_FEED_BYTES).

    .venv/bin/python bench/large_feed.py [--mb 50]

Prints wall and CPU seconds (on a shared machine the CPU time is the figure that does not depend on the
neighbours), entries, and the peak memory; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

ITEM = (
    "<item><title>Appel à projets n° {n} : résidences d'artistes</title><link>https://example.org/appels/{n}</link>"
    "<guid>https://example.org/appels/{n}</guid><pubDate>Mon, 02 Nov 2026 09:00:00 +0100</pubDate>"
    "<description>&lt;p&gt;Date limite de dépôt : 15 mars 2027 à 12h00. {pad}&lt;/p&gt;</description></item>\n"
)


def feed(megabytes: float) -> bytes:
    head = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Appels</title>'
    parts, size, n = [head + "<link>https://example.org/</link><language>fr</language>\n"], 0, 0
    pad = "Les candidatures sont ouvertes aux artistes de toutes disciplines. " * 8
    while size < megabytes * 2**20:
        part = ITEM.format(n=n, pad=pad)
        parts.append(part)
        size += len(part.encode())
        n += 1
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50.0)
    args = ap.parse_args()
    from spiders import parsers

    body = feed(args.mb)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    records = sum(1 for _ in parsers.parse(body, "feed", source="bench", url="https://example.org/feed.xml"))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"{len(body) / 2**20:.1f} MB, {records} entries: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak} MB"
    )
    print(
        json.dumps(
            {
                "mb": round(len(body) / 2**20, 1),
                "entries": records,
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "peak_rss_mb": peak,
            }
        )
    )


if __name__ == "__main__":
    main()
