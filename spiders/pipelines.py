"""Item pipelines. Spiders only collect; refine cleans and validates later, in the flow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vigie.core.items import RecordBatch


class RawRecordStore:
    """Appends every raw record to raw/<run_id>/<source>.jsonl: the durable hand-over from collect to refine.
    A run killed after collecting leaves these files behind, and the next run refines them."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        run_dir = crawler.settings.get("VIGIE_RUN_DIR")
        self.run_dir = Path(run_dir) if run_dir else None
        self.fh: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RawRecordStore:
        return cls(crawler)

    def process_item(self, item: RecordBatch | dict) -> RecordBatch | dict:
        records = item.records if isinstance(item, RecordBatch) else [item]
        if self.run_dir is not None and records:
            if self.fh is None:
                self.run_dir.mkdir(parents=True, exist_ok=True)
                path = self.run_dir / f"{self.crawler.spider.name}.jsonl"
                # backslashreplace: a lone surrogate from a JSON escape is written back as that escape
                self.fh = open(path, "a", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
            self.fh.write("".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records))
        return item

    def close_spider(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None
