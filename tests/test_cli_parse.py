"""`vigie parse`: items out as JSON lines, or one line naming the file and the problem (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO_SITE = ROOT / "vigie" / "demo" / "site"
FIXTURES = ROOT / "tests" / "fixtures"
# The families this test knows what to expect of on every corpus file: items, or a clean `0 items`.
WEB_FAMILIES = ("ics", "feeds", "html-events", "html-calls")


def parse(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vigie.cli", "parse", str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )


def test_eforms_notice_prints_refined_items():
    done = parse(DEMO_SITE / "ted-notices" / "eforms_real_BE_cn_fr-nl_2024-OJS198-00612681.xml")
    assert done.returncode == 0, done.stderr
    items = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(items) == 1
    assert items[0]["kind"] == "tender"
    assert items[0]["country"] == "BE"
    assert {"fr", "nl"} <= set(items[0]["texts"])


def test_kind_option_overrides(tmp_path):
    done = parse(DEMO_SITE / "feeds" / "picofeed_cerclepsy_fr.xml", "--kind", "call", "--source", "cercle")
    assert done.returncode == 0, done.stderr
    items = [json.loads(line) for line in done.stdout.splitlines()]
    # --kind is the prior; these magazine articles are still news (refine.kind)
    assert items and all(i["kind"] == "news" and i["id"].startswith("cercle:") for i in items)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty"),
        (b"just some words, no known format", "format not recognised"),
        (b'{"notices": [', None),
    ],
)
def test_unreadable_file_is_one_line_and_exit_2(tmp_path, content, problem):
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    done = parse(path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr
    assert str(path) in lines[0]
    if problem:
        assert problem in lines[0]


def test_missing_file(tmp_path):
    done = parse(tmp_path / "nope.xml")
    assert done.returncode == 2
    assert done.stderr.strip() == f"vigie: {tmp_path / 'nope.xml'}: no such file"


def test_every_corpus_file_gives_items_or_a_clean_error(shared_corpus):
    """Issue 3: every file in ../shared/corpus goes through `vigie parse` without a traceback."""
    from flows.parse_file import parse_file
    from vigie.core.errors import VigieError

    failures = []
    for path in sorted(p for p in shared_corpus.rglob("*") if p.is_file() and p.name != "SOURCES.md"):
        try:
            parse_file(path)
        except VigieError as exc:
            assert "\n" not in str(exc), path
            continue
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
    assert failures == []


def test_every_web_corpus_file_is_read(shared_corpus):
    """Issue 13: a calendar, a feed or a page of the corpus is read (items, or nothing in it), never refused as a
    whole; the only refusals are a listing page, which needs selectors, and a calendar with no readable start,
    each named in its one-line reason."""
    from flows.parse_file import parse_file
    from vigie.core.errors import ParseError

    refused = []
    for folder in WEB_FAMILIES:
        for path in sorted((shared_corpus / folder).iterdir()):
            try:
                parse_file(path, kind="call" if folder == "html-calls" else None)
            except ParseError as exc:
                if "a listing page" not in str(exc) and "has no readable start date" not in str(exc):
                    refused.append(f"{folder}/{path.name}: {exc}")
    assert refused == []


@pytest.mark.parametrize(
    "name",
    ["ics/icalendar_bom.ics", "ics/icalendar_big_bad_calendar.ics", "html/extruct_jsonld_control_chars.html"],
)
def test_valid_file_with_nothing_in_it_is_0_items_and_exit_0(name):
    done = parse(FIXTURES / name)
    assert (done.returncode, done.stdout, done.stderr.strip().splitlines()[-1]) == (
        0,
        "",
        f"vigie: {FIXTURES / name}: 0 items",
    )


def test_feed_without_entries_is_0_items_and_exit_0(tmp_path):
    path = tmp_path / "empty.xml"
    path.write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Appels</title></channel></rss>'
    )
    done = parse(path)
    assert (done.returncode, done.stdout, done.stderr.strip()) == (0, "", f"vigie: {path}: 0 items")


def test_calendar_says_which_window_it_used():
    done = parse(FIXTURES / "ics" / "rie_exdate.ics")
    assert done.returncode == 0, done.stderr
    assert "recurring events expanded from " in done.stderr
    assert "(90 days)" in done.stderr


def test_single_call_page_with_kind_call_is_one_item():
    done = parse(FIXTURES / "html" / "handmade_call_page.html", "--kind", "call")
    assert done.returncode == 0, done.stderr
    [item] = [json.loads(line) for line in done.stdout.splitlines()]
    assert (item["kind"], item["title"]) == ("call", "Appel à projets Résidences 2027")


def test_relative_links_resolve_against_the_address_given():
    page = DEMO_SITE / "events" / "extruct_schemaorg_event_002.html"
    done = parse(page, "--url", "https://www.songkick.com/venues/1/calendar")
    assert done.returncode == 0, done.stderr
    urls = [json.loads(line)["url"] for line in done.stdout.splitlines()]
    assert "https://www.songkick.com/venues/1/foo-fighters-may20-fedexforum" in urls
    # without it, they resolve against the saved file, as a browser opening it would
    alone = [json.loads(line)["url"] for line in parse(page).stdout.splitlines()]
    assert page.with_name("foo-fighters-may20-fedexforum").as_uri() in alone


def test_an_address_that_is_not_http_is_one_line_and_exit_2():
    done = parse(DEMO_SITE / "events" / "extruct_schemaorg_event_002.html", "--url", "ftp://x.org/a")
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .endswith("--url 'ftp://x.org/a' should be an http:// or https:// address")
    )


def test_no_corpus_file_refuses_all_its_records(shared_corpus):
    """Issue 13, done when: every readable file gives items or a clean `0 items`; a file that cannot be read is
    one line (exit 2). What must not happen: a file read whose every record is refused."""
    from datetime import UTC, datetime

    from flows.parse_file import parse_file
    from vigie.core.errors import ParseError

    refused_all = []
    for path in sorted(p for p in shared_corpus.rglob("*") if p.is_file() and p.name != "SOURCES.md"):
        try:
            parsed = parse_file(path, now=datetime(2026, 12, 1, tzinfo=UTC))
        except ParseError:
            continue  # one line, exit 2: test_every_corpus_file_gives_items_or_a_clean_error
        if parsed.quarantined and not parsed.items:
            refused_all.append(f"{path.name}: {parsed.quarantined[0]['reason']}")
    assert refused_all == []


def test_feed_cut_inside_its_only_entry_is_0_items_with_a_warning():
    path = FIXTURES / "feeds" / "feedparser_incomplete_cdata.xml"
    done = parse(path)
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr.strip().splitlines() == [
        f"vigie: {path}: the feed is cut short inside entry 1: no entry was complete before it",
        f"vigie: {path}: 0 items",
    ]


def test_feed_cut_midway_gives_the_entries_before_the_cut(tmp_path):
    whole = (FIXTURES / "feeds" / "picofeed_cerclepsy_fr.xml").read_bytes()
    path = tmp_path / "cut.xml"
    path.write_bytes(whole[: whole.index(b"<item", whole.index(b"</item>")) + 40])  # inside the 2nd item
    done = parse(path)
    assert done.returncode == 0, done.stderr
    [item] = [json.loads(line) for line in done.stdout.splitlines()]
    assert (
        item["url"]
        == "http://le-cercle-psy.scienceshumaines.com/stephane-gumpper-qu-est-ce-que-la-psychologie-des-religions_sh_30765"
    )
    assert "the feed is cut short inside entry 2: the entry before the cut is kept" in done.stderr


def test_calendar_without_a_readable_start_is_one_line_and_exit_2():
    path = FIXTURES / "ics" / "icalendar_invalid_start_end.ics"
    done = parse(path)
    assert (done.returncode, done.stdout) == (2, "")
    assert (
        done.stderr.strip()
        == f"vigie: {path}: its only event (test-123) has no readable start date (DTSTART)"
    )


def test_calendar_of_events_without_summary_gives_them_all(tmp_path):
    path = FIXTURES / "ics" / "icalendar_multiple_timezones.ics"
    done = parse(path)
    assert done.returncode == 0, done.stderr
    titles = [json.loads(line)["title"] for line in done.stdout.splitlines()]
    assert titles == ["icalendar-multiple-timezones · 2021-03-02 00:00"] * 3
    assert done.stderr.strip().splitlines()[-1] == f"vigie: {path}: 3 items"


def test_api_error_body_is_one_line_naming_the_api_and_exit_2(shared_corpus):
    path = shared_corpus / "be-eprocurement" / "bosa_error_500_cpv.json"
    done = parse(path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip() == (
        f"vigie: {path}: e-Procurement API error 50000: Internal Server Error (HTTP 404 Not Found)"
    )


def test_empty_eforms_template_is_one_line_and_exit_2():
    # The eForms SDK's deliberately INVALID example: the schema's required elements, all empty, no identifier
    path = FIXTURES / "ted" / "eforms_sdk_example_INVALID_cn_24_empty.xml"
    done = parse(path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip() == (
        f"vigie: {path}: empty or invalid eForms notice: no publication number and no notice identifier (cbc:ID)"
    )


def test_parse_runs_within_a_runs_limits():
    # The parser runs in a parse worker (spiders.isolation) as in a run: past its time limit it is stopped and the
    # file is one line naming the limit, exit 2.
    path = FIXTURES / "ics" / "rie_machbar_calendar.ics"
    done = parse(path, "--parse-timeout", "0.001")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip() == f"vigie: {path}: parse stopped after 0.001 s (time limit, parse_timeout)"
    assert parse(path, "--parse-timeout", "60").returncode == 0


def test_places_file_asks_for_its_registry_mapping():
    # A places CSV's columns mean nothing without the registry's mapping: one line saying what to do, not a
    # screen of refused "items".
    done = parse(FIXTURES / "places" / "nesta_uk_makerspaces.csv", "--family", "places")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "vigie sources check NAME" in done.stderr.strip().splitlines()[0]
