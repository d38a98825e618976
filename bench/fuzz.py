"""Fuzzing every family parser and the refine step with mutated real files, for minutes.

Seeds are the real public files of tests/fixtures/ and vigie/demo/site/, each read by the family it is detected
as (HTML listings with a generic set of selectors). Each case is one seed mutated a few times (bytes flipped,
inserted or deleted, a cut, a slice repeated, hostile tokens such as a lone-surrogate JSON escape, a NUL, a deep
nesting, an endless recurrence rule, a re-encoding to UTF-16/32) and is parsed, refined and written as JSON
lines in a parse worker (spiders.isolation) with a 30 s and 1 GB limit. A sample also goes through `vigie parse`
in a subprocess, whose exit must be 0 or 2 without a traceback.

    .venv/bin/python bench/fuzz.py [--minutes 10] [--seed 1] [--cli-every 40] [--families F ...] [--save DIR]

Prints per family the cases, crashes (another exception than ParseError, with its traceback), timeouts, and the
peak memory of the workers; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_DIRS = (ROOT / "tests" / "fixtures", ROOT / "vigie" / "demo" / "site")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LISTING = {"item": "article, .event-card, li, tr", "fields": {"title": "h2, h3, a", "url": "a::attr(href)"}}
HOSTILE = [
    b"\x00",
    b"\\ud800",
    b'"\\udfff"',
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"&#0;",
    b"&#xD800;",
    b"<![CDATA[",
    b"]]>",
    b"<!DOCTYPE x [<!ENTITY a SYSTEM 'file:///etc/passwd'>]>",
    b"&a;",
    b"[" * 5000,
    b"{" * 5000,
    b"<a>" * 5000,
    b"RRULE:FREQ=SECONDLY;INTERVAL=0\r\n",
    b"RRULE:FREQ=DAILY\r\nDTSTART:00010101T000000Z\r\n",
    b"BYHOUR=" + b",".join(str(h).encode() for h in range(24)) + b"\r\n",
    b"DTSTART:99999999T999999Z\r\n",
    b"1e999999",
    b"-9" * 400,
    b"\r\n ",
    b"\x1b[31m",
]

VALUES = [
    b"",
    b"0",
    b"-1",
    b"99999999999999999999999",
    b"2024-02-30",
    b"0000-00-00T25:61:61+99:99",
    b"NaN",
    b"\xe2\x80\xae",
    b"\xed\xa0\x80",
    b"\\ud800",
    b"Z",
    b"x" * 200_000,
    b"BE-BRU FR NL 45000000-7 EUR 1e308",
]


def seeds() -> list[tuple[str, str, bytes]]:
    """(family, name, body) of every seed file a family reads."""
    from spiders import parsers

    out = []
    for folder in SEED_DIRS:
        for path in sorted(folder.rglob("*")):
            if (
                not path.is_file()
                or path.suffix in (".md", ".txt", ".toml")
                or path.stat().st_size > 4_000_000
            ):
                continue
            body = path.read_bytes()
            try:
                family = parsers.detect_family(body, path.name)
            except Exception:  # noqa: BLE001 - not a seed: no family reads it
                family = "html_list" if path.suffix in (".html", ".htm") else None
            if family:
                out.append((family, path.name, body))
    # A family no seed is detected as (listings need selectors; some APIs are not sniffable) is fed the files of
    # its fixture folder: tests/fixtures/bosa for bosa, tests/fixtures/html for html_list.
    from spiders.families import names

    fixtures = SEED_DIRS[0]
    for family in sorted(set(names()) - {f for f, _, _ in out}):
        for folder in (d for d in fixtures.iterdir() if d.is_dir() and family.startswith(d.name)):
            out += [(family, p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.suffix != ".md"]
    return out


def mutate(body: bytes, rng: random.Random, donors: list[bytes]) -> bytes:
    for _ in range(rng.randint(1, 3)):
        size = len(body)
        at = rng.randrange(size + 1)
        kind = rng.randrange(12)
        if kind == 0 and size:  # flip bytes
            data = bytearray(body)
            for _ in range(rng.randint(1, 16)):
                data[rng.randrange(size)] = rng.randrange(256)
            body = bytes(data)
        elif kind == 1:
            body = body[:at] + rng.choice(HOSTILE) + body[at:]
        elif kind == 2:
            body = body[:at]  # a cut download
        elif kind == 3 and size:
            end = min(size, at + rng.randint(1, 4096))
            body = body[:at] + body[at:end] * rng.randint(2, 200) + body[end:]
        elif kind == 4:
            body = body[:at] + body[at + rng.randint(1, 512) :]
        elif kind == 5:
            donor = rng.choice(donors)
            cut = rng.randrange(len(donor) + 1)
            body = body[:at] + donor[cut : cut + rng.randint(1, 8192)]
        elif kind == 6:
            text = body.decode("utf-8", errors="replace")
            body = text.encode(rng.choice(["utf-16", "utf-32", "utf-16-be", "latin-1"]), errors="replace")
        elif kind == 7:
            body = body[:at] + os.urandom(rng.randint(1, 64)) + body[at:]
        elif kind == 8:
            body = body.replace(b">", b">" + rng.choice(HOSTILE), rng.randint(1, 20))
        else:  # a value changed, the structure kept: reaches the code behind the syntax checks
            start = body.find(rng.choice([b">", b'": "', b":"]), at)
            end = body.find(rng.choice([b"<", b'"', b"\n"]), start + 1)
            if 0 <= start < end:
                body = body[: start + 1] + rng.choice(VALUES) + body[end:]
    return body


def run_case(body: bytes, family: str) -> tuple[str, str, int]:
    """In a parse worker: ("ok" | "parse_error" | "crash", detail, peak RSS in MB)."""
    from spiders import parsers
    from vigie.core.errors import ParseError

    options = LISTING if family == "html_list" else {}
    try:
        records = list(
            parsers.parse(body, family, source="fuzz", url="https://example.org/f", options=options)
        )
        from refine.pipeline import refine_and_cluster

        result = refine_and_cluster(records, now=NOW)
        for row in [*result.items, *result.quarantined]:
            json.dumps(row, ensure_ascii=False, default=str).encode("utf-8")
        outcome, detail = "ok", f"{len(result.items)} items"
    except ParseError as exc:
        outcome, detail = "parse_error", str(exc)
        if "\n" in detail:
            outcome, detail = "crash", f"multi-line ParseError: {detail!r}"
    except Exception:  # noqa: BLE001 - what the fuzzer is looking for
        outcome, detail = "crash", traceback.format_exc()
    return outcome, detail, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def cli_case(body: bytes, family: str) -> str | None:
    """`vigie parse` on the case: None when it exited 0 or 2 without a traceback, else what happened."""
    with tempfile.NamedTemporaryFile(suffix=".html" if family == "html_list" else ".dat") as fh:
        fh.write(body)
        fh.flush()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "vigie.cli", "parse", fh.name],
                capture_output=True,
                timeout=60,
                text=True,
                errors="replace",
            )
        except subprocess.TimeoutExpired:
            return "vigie parse ran past 60 s"
    if done.returncode not in (0, 2) or "Traceback" in done.stderr:
        return f"exit {done.returncode}: {done.stderr.strip()[-600:]}"
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cli-every", type=int, default=40, help="every Nth case also through `vigie parse`")
    ap.add_argument("--families", nargs="*", help="only these families")
    ap.add_argument("--save", type=Path, help="folder where each problem case's bytes are written")
    args = ap.parse_args()
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")])
    )
    from spiders import isolation
    from vigie.core.errors import ParseError, ParseLimitError

    pool = isolation.Pool(size=max(1, (os.cpu_count() or 2) - 1))
    pool.warm(wait=True)
    limits = isolation.Limits(seconds=30, memory_mb=1024)
    rng = random.Random(args.seed)
    corpus = seeds()
    donors = [body for _, _, body in corpus]
    by_family: dict[str, list[tuple[str, str, bytes]]] = collections.defaultdict(list)
    for entry in corpus:
        by_family[entry[0]].append(entry)
    families = sorted(f for f in by_family if not args.families or f in args.families)
    stats: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    problems: list[str] = []
    peak_mb, slowest, cases = 0, 0.0, 0
    stop = time.monotonic() + args.minutes * 60
    while time.monotonic() < stop:
        family = rng.choice(families)  # every family as often, whatever its number of seeds
        _, name, seed = rng.choice(by_family[family])
        body = mutate(seed, rng, donors)
        cases += 1
        started = time.monotonic()
        try:
            outcome, detail, rss = pool.call("fuzz:run_case", (body, family), limits)
            peak_mb = max(peak_mb, rss)
        except ParseLimitError as exc:
            outcome, detail = ("timeout" if "time limit" in str(exc) else "memory"), str(exc)
        except ParseError as exc:
            outcome, detail = "crash", str(exc)
        slowest = max(slowest, time.monotonic() - started)
        stats[family][outcome] += 1
        if outcome in ("crash", "timeout", "memory"):
            problems.append(f"[{family} {name} case {cases}] {outcome}: {detail.strip()[-1500:]}")
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"case{cases}-{family}-{outcome}.bin").write_bytes(body)
        if args.cli_every and cases % args.cli_every == 0:
            stats[family]["cli"] += 1
            bad = cli_case(body, family)
            if bad:
                stats[family]["cli_bad"] += 1
                problems.append(f"[{family} {name} case {cases}] vigie parse: {bad}")
    pool.close()
    for problem in problems[:20]:
        print(problem, "\n")
    print(
        f"{'family':12} {'cases':>6} {'ok':>6} {'refused':>8} {'crash':>6} {'timeout':>8} {'memory':>7} {'cli':>5} {'cli bad':>8}"
    )
    for family, c in sorted(stats.items()):
        total = sum(v for k, v in c.items() if k not in ("cli", "cli_bad"))
        print(
            f"{family:12} {total:6} {c['ok']:6} {c['parse_error']:8} {c['crash']:6} {c['timeout']:8} "
            f"{c['memory']:7} {c['cli']:5} {c['cli_bad']:8}"
        )
    summary = {
        "minutes": args.minutes,
        "cases": cases,
        "seeds": len(corpus),
        "families": sorted(stats),
        "crashes": sum(c["crash"] for c in stats.values()),
        "timeouts_over_30s": sum(c["timeout"] for c in stats.values()),
        "memory_over_1gb": sum(c["memory"] for c in stats.values()),
        "cli_runs": sum(c["cli"] for c in stats.values()),
        "cli_bad_exits": sum(c["cli_bad"] for c in stats.values()),
        "slowest_case_s": round(slowest, 2),
        "peak_worker_rss_mb": peak_mb,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
