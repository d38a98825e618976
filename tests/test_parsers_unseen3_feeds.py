"""Feeds on real files never used while building Vigie (third unseen-file hunt, 2026-12-03; tests/fixtures/unseen3,
tests/fixtures/SOURCES.md). Class: an Atom 0.3 feed (namespace http://purl.org/atom/ns#, 2003-2005, still served
by old blogs and exports) was "format not recognised". Time frozen; one assertion per field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from refine.pipeline import refine_and_cluster
from spiders.parsers import detect_family, feed

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "unseen3"
NOW = "2026-12-03T09:00:00+00:00"
ATOM03 = "feed_rome_atom03_events.xml"


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    records = list(feed.parse((FIXTURES / ATOM03).read_bytes(), source="t"))
    with time_machine.travel(NOW, tick=False):
        return refine_and_cluster(records, now=datetime.now(UTC)).items


def test_an_atom_03_feed_is_a_feed():
    assert detect_family((FIXTURES / ATOM03).read_bytes(), ATOM03) == "feed"


def test_every_atom_03_entry_is_an_item(entries):
    assert len(entries) == 2


def test_atom_03_entry_title(entries):
    assert entries[0]["title"] == "Google's 2005 Halloween Fright Fest"


def test_atom_03_entry_link_is_its_alternate(entries):
    assert entries[0]["url"] == "http://provider-website.com/item1-info-page.html"


def test_atom_03_issued_is_the_publication_day(entries):
    assert (entries[0]["published_at"] or "")[:10] == "2003-12-13"
