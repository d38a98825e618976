"""The family table: every family Vigie reads, in one place. The parser map (spiders.parsers), the spider map
(spiders.source_spider) and registry validation (spiders.registry) are all derived from it.

Adding a family: a parser module in spiders/parsers/ (+ its spider in spiders/ if it needs an access pattern of
its own) with its tests, and one line below. The table is data (module and class names as strings) so that
every module can read it without importing parsers or spider classes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    name: str  # the registry's `family` value
    parser: str  # module in spiders/parsers/
    spider: str = "base:FileSpider"  # "module:Class" in spiders/ of the spider that collects it
    # Its own registry keys (selectors, queries…), space-separated: any other key is an error.
    options: str = ""
    # Its records depend on the day they are parsed (recurrences expanded from today): not reused another day.
    reads_today: bool = False
    # Its records are places for the places step (flows.places), not opportunities: refine never sees them.
    places: bool = False

    @property
    def option_keys(self) -> frozenset[str]:
        return frozenset(self.options.split())

    @property
    def spider_path(self) -> tuple[str, str]:
        """(module, class) of its spider."""
        module, _, cls = self.spider.partition(":")
        return f"spiders.{module}", cls


# Order matters for format detection: the most specific sniffers first.
FAMILIES: tuple[Family, ...] = (
    Family("eforms", "ted_eforms"),
    Family("ted_r2", "ted_r2"),
    Family("ted", "ted_api", "ted_search:TedApiSpider", "query fields limit"),
    Family("sedia", "sedia", "sedia_search:SediaSpider", "text query page_size"),
    Family("bosa", "bosa", "bosa_search:BosaSpider", "page_size"),
    Family("uitdatabank", "uitdatabank", "uitdatabank_search:UitdatabankSpider", "query page_size"),
    Family("ocds", "ocds"),
    Family("ics", "ics", options="since horizon_days max_occurrences", reads_today=True),
    Family("feed", "feed"),
    Family("jsonld", "schemaorg"),
    Family("page", "single_page"),
    Family("html_list", "html_list", "html_listing:HtmlListSpider", "item fields detail next_page link"),
    Family("places", "places", options="format columns kinds values encoding delimiter", places=True),
)

BY_NAME: dict[str, Family] = {family.name: family for family in FAMILIES}


def names() -> tuple[str, ...]:
    return tuple(BY_NAME)
