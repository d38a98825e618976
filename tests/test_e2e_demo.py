"""End to end: `vigie run --demo` into an empty $VIGIE_HOME, twice, as a newcomer would run it."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import feedparser
import pytest

pytestmark = pytest.mark.slow

VIGIE = [sys.executable, "-m", "vigie.cli"]


def vigie(home: Path, *args: str, timeout: int = 240, port: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIGIE_HOME": str(home), "COLUMNS": "200"}
    env.pop("VIGIE_UITDATABANK_CLIENT_ID", None)
    if port is not None:
        env["VIGIE_DEMO_PORT"] = str(port)
    return subprocess.run([*VIGIE, *args], capture_output=True, text=True, env=env, timeout=timeout)


def query(home: Path, sql: str) -> list[dict]:
    done = vigie(home, "query", sql, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


DEMO_DAY = "2021-08-20"  # vigie.demo.server.DEMO_AS_OF, written out: the test checks the day the README gives


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("demo-home")
    port = free_port()
    first = vigie(home, "run", "--demo", port=port)
    counts_after_first = query(home, "SELECT count(*) AS n FROM opportunities")[0]["n"]
    ids_after_first = {r["id"] for r in query(home, "SELECT id FROM opportunities")}
    second = vigie(home, "run", "--demo", port=port)  # same address: conditional requests answer 304
    # A third run on another port: ids must not depend on where the documents were served from.
    third = vigie(home, "run", "--demo", port=free_port())
    return {
        "home": home,
        "first": first,
        "second": second,
        "third": third,
        "count_after_first": counts_after_first,
        "ids_after_first": ids_after_first,
    }


def test_first_run_succeeds(demo):
    assert demo["first"].returncode == 0, demo["first"].stderr[-2000:]


def test_summary_has_a_line_per_source(demo):
    out = demo["first"].stdout
    for name in (
        "demo-ted-notices",
        "demo-ted-archive",
        "demo-ocds",
        "demo-feed-fr",
        "demo-agenda",
        "demo-event-pages",
        "demo-uitdatabank",
    ):
        assert name in out
    for column in ("items", "new", "errors", "time"):
        assert column in out


def test_no_traceback_or_telemetry_noise(demo):
    for run in (demo["first"], demo["second"]):
        assert "Traceback" not in run.stdout + run.stderr
        assert "telemetry" not in run.stderr.lower()


def test_at_least_fifty_items_of_tenders_and_events_from_three_sources(demo):
    rows = query(
        demo["home"],
        "SELECT kind, count(*) AS n, count(DISTINCT source) AS sources "
        "FROM opportunities GROUP BY kind ORDER BY kind",
    )
    by_kind = {r["kind"]: r["n"] for r in rows}
    assert {"event", "tender"} <= set(by_kind)
    assert sum(by_kind.values()) >= 50
    assert query(demo["home"], "SELECT count(DISTINCT source) AS n FROM opportunities")[0]["n"] >= 3


def test_antwerp_notice_has_its_texts_in_french_dutch_and_english(demo):
    rows = query(demo["home"], "SELECT texts FROM opportunities WHERE id = 'demo-ted-archive:27184-2020'")
    assert len(rows) == 1
    texts = rows[0]["texts"] if isinstance(rows[0]["texts"], dict) else json.loads(rows[0]["texts"])
    assert {"fr", "nl", "en"} <= set(texts)


def test_first_line_says_the_demo_day(demo):
    assert demo["first"].stdout.splitlines()[0].startswith(f"As of {DEMO_DAY}:")


def test_the_readme_names_the_demo_day():
    from vigie.demo.server import DEMO_AS_OF

    assert DEMO_AS_OF == DEMO_DAY
    assert DEMO_DAY in (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_no_url_points_to_the_demo_server(demo):
    rows = query(
        demo["home"],
        "SELECT id, url FROM opportunities WHERE url LIKE '%127.0.0.1%' OR url LIKE '%localhost%'",
    )
    assert rows == []


def test_notices_link_to_their_ted_page(demo):
    rows = query(demo["home"], "SELECT url FROM opportunities WHERE id = 'demo-ted-archive:371022-2021'")
    assert rows == [{"url": "https://ted.europa.eu/en/notice/-/detail/371022-2021"}]


def test_the_uitdatabank_event_links_to_its_page(demo):
    rows = query(
        demo["home"], "SELECT DISTINCT url, regions FROM opportunities WHERE source = 'demo-uitdatabank'"
    )
    assert [r["url"] for r in rows] == [
        "http://www.uitinvlaanderen.be/agenda/e/le-sanglier-et-le-papillon-la-mue/7438ac58-fb2b-4ddc-bbda-d2d3d61681c5"
    ]
    assert rows[0]["regions"] == ["BE-BRU"]


def test_ids_do_not_depend_on_the_demo_port(demo):
    assert demo["third"].returncode == 0, demo["third"].stderr[-2000:]
    ids = {r["id"] for r in query(demo["home"], "SELECT id FROM opportunities")}
    assert ids == demo["ids_after_first"]
    assert not [i for i in ids if re.search(r"127-0-0-1|8647|localhost", i)]


def test_every_sample_file_has_its_public_address():
    from vigie.demo.public_urls import MAPPING
    from vigie.demo.server import SITE

    with MAPPING.open("rb") as fh:
        mapped = tomllib.load(fh)["documents"]
    files = {
        p.relative_to(SITE).as_posix() for p in SITE.rglob("*") if p.is_file() and p.name != "robots.txt"
    }
    assert files == set(mapped)
    assert all(url.startswith("https://") for url in mapped.values())


def test_digest_opens_with_calls_or_tenders_open_on_the_demo_day(demo):
    body = (demo["home"] / "newsletters" / "digest" / f"{DEMO_DAY}-fr.txt").read_text(encoding="utf-8")
    first = body.split("\n== ", 2)[1]
    assert first.startswith("Bientôt clôturés ==")
    assert "Services cinématographiques et services vidéo" in first
    assert "encore 4 jours" in first
    assert "encore 20 jours" in first


def test_statuses_are_those_of_the_demo_day(demo):
    rows = query(
        demo["home"],
        "SELECT id, status FROM opportunities WHERE id IN "
        "('demo-ted-archive:371022-2021', 'demo-ted-archive:607424-2021', 'demo-ted-archive:27184-2020')",
    )
    assert {r["id"]: r["status"] for r in rows} == {
        "demo-ted-archive:371022-2021": "open",  # closes 2021-08-24
        "demo-ted-archive:27184-2020": "closed",  # closed 2020-02-17
    }  # 607424-2021 (published 2021-11-26) did not exist yet on the demo day


def test_views_answer_as_of_the_demo_day(demo):
    assert query(demo["home"], "SELECT strftime(as_of(), '%Y-%m-%d') AS day")[0]["day"] == DEMO_DAY
    rows = query(demo["home"], "SELECT id, days_left FROM closing_soon")
    assert {"id": "demo-ted-archive:371022-2021", "days_left": 4} in rows


def test_newsletter_written_under_home(demo):
    html = list((demo["home"] / "newsletters").rglob("*.html"))
    assert html, "no newsletter HTML under $VIGIE_HOME/newsletters"
    assert "<html" in html[0].read_text(encoding="utf-8").lower()


def test_atom_feed_reads_without_bozo(demo):
    done = vigie(demo["home"], "feed", "--format", "atom", "--as-of", DEMO_DAY)
    assert done.returncode == 0, done.stderr
    parsed = feedparser.parse(done.stdout.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) > 0


def test_second_run_adds_no_duplicate(demo):
    assert demo["second"].returncode == 0, demo["second"].stderr[-2000:]
    assert query(demo["home"], "SELECT count(*) AS n FROM opportunities")[0]["n"] == demo["count_after_first"]
    dupes = query(demo["home"], "SELECT id, count(*) AS n FROM opportunities GROUP BY id HAVING n > 1")
    assert dupes == []


def test_second_run_downloads_nothing_unchanged(demo):
    assert "×304" in demo["second"].stdout


def test_source_runs_recorded_for_every_run(demo):
    rows = query(demo["home"], "SELECT count(DISTINCT run_id) AS runs FROM source_runs")
    assert rows[0]["runs"] == 3


def test_every_source_failing_exits_1_after_the_summary(tmp_path):
    registry = tmp_path / "sources.toml"
    closed = free_port()
    registry.write_text(
        '[settings]\nallow_networks = ["127.0.0.1/32"]\nRETRY_TIMES = 0\n'
        f'[[source]]\nname = "gone"\nfamily = "feed"\nkind = "call"\nurl = "http://127.0.0.1:{closed}/feed.xml"\n',
        encoding="utf-8",
    )
    done = vigie(tmp_path / "home", "run", "--sources", str(registry))
    assert done.returncode == 1
    assert "gone" in done.stdout  # the summary is printed first
    assert "every selected source failed" in done.stderr
    assert f"cannot connect to 127.0.0.1:{closed}: connection refused" in done.stdout + done.stderr
    assert " object at 0x" not in done.stdout + done.stderr


def test_a_bad_as_of_date_is_bad_usage(tmp_path):
    done = vigie(tmp_path / "home", "run", "--as-of", "next tuesday")
    assert done.returncode == 2
    assert done.stderr.strip() == "vigie: --as-of: 'next tuesday' is not a date (expected e.g. 2027-03-01)"
