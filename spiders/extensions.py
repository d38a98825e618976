"""Extensions write outputs. RawResponseStore keeps every downloaded body, so nothing collected is lost."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

BODY_SHA_META = "vigie_body_sha256"  # set on the request by RawResponseStore, read by the spider


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def stored_body_path(raw_dir: Path, sha: str) -> Path:
    """Where the body of that digest is kept (raw_dir is $VIGIE_HOME/raw)."""
    return raw_dir / "bodies" / f"{sha}.gz"


class RawResponseStore:
    """Content-addressed store of response bodies (raw/bodies/<sha256>.gz, shared by all runs, so an unchanged
    body costs no space twice) plus a per-run index raw/<run_id>/responses/<source>.jsonl."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RawResponseStore:
        if not crawler.settings.get("VIGIE_RUN_DIR"):
            raise NotConfigured("no VIGIE_RUN_DIR: raw responses are kept only inside a Vigie run")
        ext = cls(crawler)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        run_dir = Path(self.crawler.settings["VIGIE_RUN_DIR"])
        if request.url.endswith("/robots.txt"):
            return
        body = response.body
        if "cached" not in response.flags:
            # Scrapy's downloader/response_bytes counts headers and robots.txt too; users ask "what did we download".
            self.crawler.stats.inc_value("vigie/body_bytes", len(body))
        digest = body_digest(body)
        request.meta[BODY_SHA_META] = digest  # the spider keys its parsed-records cache on it: hashed once
        target = stored_body_path(run_dir.parent, digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(gzip.compress(body, compresslevel=5))
            tmp.replace(target)
        entry = {
            "url": response.url,
            "status": response.status,
            "sha256": digest,
            "bytes": len(body),
            "cached": "cached" in response.flags,
            "etag": response.headers.get(b"ETag", b"").decode("latin-1") or None,
            "last_modified": response.headers.get(b"Last-Modified", b"").decode("latin-1") or None,
        }
        index = run_dir / "responses"
        index.mkdir(parents=True, exist_ok=True)
        with open(index / f"{spider.name}.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
