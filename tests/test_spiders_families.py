"""The family table is the one list of families: every entry has its parser module and its spider, and the
parser map, the spider map and registry validation all follow it."""

from __future__ import annotations

import pytest

from spiders import families, parsers
from spiders.base import FileSpider, VigieSpider
from spiders.bosa_search import BosaSpider
from spiders.registry import Source
from spiders.source_spider import family_spider, spider_for
from vigie.core.errors import ParseError

FAMILIES = [family.name for family in families.FAMILIES]


@pytest.mark.parametrize("name", FAMILIES)
def test_each_family_has_a_parser_module(name):
    module = parsers.module(name)
    assert name == module.FAMILY
    assert callable(module.sniff) and callable(module.parse)


def test_every_family_parser_is_available_in_table_order():
    assert list(parsers.available()) == FAMILIES


@pytest.mark.parametrize("name", FAMILIES)
def test_each_family_has_a_spider(name):
    assert issubclass(family_spider(name), VigieSpider)


def test_families_without_an_access_pattern_of_their_own_use_the_file_spider():
    assert family_spider("feed") is FileSpider
    assert family_spider("bosa") is BosaSpider


def test_a_source_spider_carries_its_source():
    source = Source(name="be-eprocurement", family="bosa", urls=("https://example.org/search",))
    cls = spider_for(source)
    assert issubclass(cls, BosaSpider)
    assert cls.name == "be-eprocurement" and cls.source is source


def test_unknown_family_is_a_parse_error():
    with pytest.raises(ParseError, match="unknown family 'rss'"):
        parsers.module("rss")
