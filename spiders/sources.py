"""One Scrapy spider per registry source, generated from the registry (a source is configuration, not code).

`scrapy list` shows them; `scrapy crawl NAME` runs one. VIGIE_SOURCES names another registry file, and
VIGIE_DEMO_URL fills the {demo} placeholder of the demo registry.
"""

from __future__ import annotations

import os

from spiders import registry as _registry
from spiders.source_spider import spider_for

_subs = {"demo": os.environ["VIGIE_DEMO_URL"]} if os.environ.get("VIGIE_DEMO_URL") else {}
for _source in _registry.load(os.environ.get("VIGIE_SOURCES"), substitutions=_subs).sources:
    _cls = spider_for(_source)
    _cls.__module__ = __name__  # Scrapy's loader lists only classes defined in SPIDER_MODULES
    globals()[_cls.__name__] = _cls
del _cls, _source  # otherwise the loader also finds the last class under this name, as a duplicate
