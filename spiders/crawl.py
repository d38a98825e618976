"""Run the spiders of several sources in this process, concurrently, as many times as needed.

Scrapy's reactorless mode (TWISTED_REACTOR_ENABLED = False) runs each crawl on the running asyncio loop, so
a flow can collect every source in parallel and run again later in the same process; the Twisted reactor
cannot restart (stack.md §3).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import Settings

from spiders.base import VigieSpider
from spiders.registry import Source
from spiders.source_spider import spider_for
from vigie.core.items import RecordBatch
from vigie.core.reasons import describe

DEFAULT_SOURCE_TIMEOUT = 600  # seconds: a source that takes longer is stopped and reported
_COMPONENT_TABLES = ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES")


@dataclass
class CollectResult:
    source: str
    records: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    responses: int = 0
    bytes: int = 0  # response bodies actually received from the network
    not_modified: int = 0  # 304 answers: unchanged since the last run
    cache_hits: int = 0
    reused: int = 0  # documents of an immutable source already collected: not requested at all
    records_path: str | None = None
    finish_reason: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.errors) and self.records == 0


class _QuietExperimental(logging.Filter):
    """The aiohttp handler warns it is experimental on every crawl; we chose it knowingly (stack.md §3)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "is experimental" not in record.getMessage()


def _quiet_logging() -> None:
    logging.getLogger("scrapy.core.downloader.handlers._base_streaming").addFilter(_QuietExperimental())
    import os

    level = os.environ.get("VIGIE_SCRAPY_LOG_LEVEL", "CRITICAL")
    for name in ("scrapy", "py.warnings", "asyncio"):
        logging.getLogger(name).setLevel(level)


def crawl_settings(home: Path, run_dir: Path, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    settings.set("HTTPCACHE_DIR", str(home / "httpcache"), priority="project")
    settings.set("VIGIE_RUN_DIR", str(run_dir), priority="project")
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and key in _COMPONENT_TABLES:
            # A registry adds components (the demo's public-URL middleware) without dropping Vigie's own.
            settings[key].update(value, priority="cmdline")
            continue
        # The registry's [settings] hold Scrapy settings, plus Vigie's own lower-case `allow_networks`.
        settings.set("VIGIE_ALLOW_NETWORKS" if key == "allow_networks" else key, value, priority="cmdline")
    return settings


async def collect(
    source: Source,
    *,
    home: Path,
    run_dir: Path,
    overrides: dict[str, Any] | None = None,
    since: str | None = None,
) -> CollectResult:
    """Crawl one source into run_dir/<source>.jsonl; never raises for a source's own failure."""
    _quiet_logging()
    started = time.perf_counter()
    result = CollectResult(source=source.name)
    settings = crawl_settings(home, run_dir, overrides)
    settings.set("CLOSESPIDER_TIMEOUT", source.timeout or DEFAULT_SOURCE_TIMEOUT, priority="cmdline")
    try:
        # A Crawler of its own, without a CrawlerRunner: the runner would copy the settings and build a spider
        # loader again for every source, which costs more than an unchanged source's whole crawl.
        crawler = Crawler(spider_for(source), settings)

        def count(item: Any, **_: Any) -> None:
            result.records += len(item) if isinstance(item, RecordBatch) else 1

        crawler.signals.connect(count, signal=signals.item_scraped, weak=False)
        await crawler.crawl_async(since=since)
    except Exception as exc:  # a broken source must never stop the others
        result.errors.append(f"crawl failed: {describe(exc)}")
        result.seconds = time.perf_counter() - started
        return result
    stats = crawler.stats.get_stats()
    spider = crawler.spider
    assert isinstance(spider, VigieSpider)  # spider_for only builds VigieSpider subclasses
    result.errors.extend(spider.errors)
    result.finish_reason = str(stats.get("finish_reason", ""))
    if result.finish_reason == "closespider_timeout":
        result.errors.append(f"stopped after {source.timeout or DEFAULT_SOURCE_TIMEOUT} s (source timeout)")
    for key, value in stats.items():
        if key.startswith("spider_exceptions/"):
            result.errors.append(f"{value} response(s) raised {key.split('/', 1)[1]} in the spider")
    # The cache middleware turns a 304 back into the cached 200 before the downloader stats see it.
    result.not_modified = int(stats.get("httpcache/revalidate", 0))
    result.reused = int(stats.get("vigie/immutable_reused", 0))
    result.cache_hits = int(stats.get("httpcache/hit", 0)) + result.not_modified + result.reused
    result.responses = int(stats.get("downloader/response_count", 0))
    result.bytes = int(stats.get("vigie/body_bytes", 0))
    path = run_dir / f"{source.name}.jsonl"
    result.records_path = str(path) if path.exists() else None
    result.seconds = time.perf_counter() - started
    return result
