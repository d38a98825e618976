"""The spider class of a registry source: its family's spider (named in spiders.families) with the source as
class attributes. A source is configuration, not code."""

from __future__ import annotations

import importlib

from spiders import families
from spiders.base import VigieSpider
from spiders.registry import Source


def family_spider(family: str) -> type[VigieSpider]:
    """The spider class that collects a family, as the family table names it."""
    module_name, class_name = families.BY_NAME[family].spider_path
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, VigieSpider)):
        raise TypeError(f"family {family!r}: {module_name}:{class_name} is not a VigieSpider")
    return cls


def spider_for(source: Source) -> type[VigieSpider]:
    """A subclass of the family's spider carrying the source (`name`, `source`, allowed hosts)."""
    base = family_spider(source.family)
    allowed = sorted({u.split("/")[2] for u in source.urls if "://" in u})
    return type(
        f"{base.__name__}_{source.name.replace('-', '_')}",
        (base,),
        {
            "name": source.name,
            "source": source,
            "allowed_domains": [],
            "_hosts": allowed,
            "__module__": __name__,
        },
    )
