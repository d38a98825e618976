"""Every registered source builds a spider whose first requests are well-formed (kingfisher-style smoke test),
and `scrapy list` sees them from the repository root."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from spiders import registry
from spiders.source_spider import spider_for

ROOT = Path(__file__).resolve().parents[1]
SOURCES = registry.load().sources


async def _first_requests(spider) -> list:
    return [r async for r in spider.start()]


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_start_requests_build(source, monkeypatch):
    monkeypatch.setenv("VIGIE_BOSA_CLIENT_ID", "id-for-test")
    monkeypatch.setenv("VIGIE_BOSA_CLIENT_SECRET", "secret-for-test")
    cls = spider_for(source)
    crawler = get_crawler(cls)
    spider = cls.from_crawler(crawler)
    requests = asyncio.run(_first_requests(spider))
    assert requests, f"{source.name} yields no request"
    for request in requests:
        assert request.url.startswith("https://"), request.url
        assert request.errback is not None
    assert spider.errors == []


def test_missing_bosa_credentials_are_reported_not_raised(monkeypatch):
    monkeypatch.delenv("VIGIE_BOSA_CLIENT_ID", raising=False)
    monkeypatch.delenv("VIGIE_BOSA_CLIENT_SECRET", raising=False)
    cls = spider_for(registry.load().get("be-eprocurement"))
    spider = cls.from_crawler(get_crawler(cls))
    assert asyncio.run(_first_requests(spider)) == []
    assert len(spider.errors) == 1
    assert "VIGIE_BOSA_CLIENT_ID" in spider.errors[0]


def test_scrapy_list_shows_every_source():
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert set(done.stdout.split()) == {s.name for s in SOURCES}
