"""RSS, Atom and JSON Feed parser (spiders/parsers/feed.py) on real feeds with their real quirks."""

from __future__ import annotations

from pathlib import Path

import pytest

from spiders.parsers import detect_family, feed
from vigie.core.errors import ParseError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def records(name: str, url: str = "", kind: str = "call") -> list[dict]:
    body = (FIXTURES / name).read_bytes()
    return list(feed.parse(body, source="test-feed", url=url, options={"kind": kind}))


def test_french_rss_item_fields() -> None:
    first = records("picofeed_jeux-linux_fr.xml", url="http://www.jeuxlinux.fr/backend.php")[0]
    assert first["source"] == "test-feed"
    assert first["family"] == "feed"
    assert first["kind"] == "call"  # from the registry, never guessed
    assert first["native_id"] == "http://www.jeuxlinux.fr/spip.php?breve1342"
    assert first["url"] == "http://www.jeuxlinux.fr/spip.php?breve1342"
    assert first["title"] == "Le renouveau de LinuxConsole"
    assert first["published_at"] == "2013-12-30T12:16:44+00:00"
    assert first["language"] == "fr"
    # content:encoded is longer than the description and wins; markup is left for refine to clean
    assert first["summary"].startswith('<div class="rss_texte"><p>LinuxConsole est une distribution')


def test_every_item_of_a_feed_is_read() -> None:
    assert len(records("picofeed_jeux-linux_fr.xml")) == 20


def test_windows_1251_feed_is_decoded() -> None:
    first = records("picofeed_ibash_ru_windows-1251.xml")[0]
    assert first["title"] == "Цитата #16099"
    assert first["language"] == "ru"


def test_cp1252_bytes_in_a_utf8_declared_feed() -> None:
    first = records("picofeed_cerclepsy_fr.xml")[0]
    assert first["title"] == "Stéphane Gumpper : Qu'est-ce que la psychologie des religions ?"
    assert first["published_at"] == "2013-05-23T10:30:00+00:00"


def test_broken_phpxml_declaration_still_gives_the_items() -> None:
    found = records("rsparser_fcutrecht_nl_broken_xml_decl.rss")
    assert len(found) == 20
    assert found[0]["title"] == "Serdar Gözübüyük scheidsrechter bij FC Twente - FC Utrecht"
    assert found[0]["language"] == "nl"
    assert found[0]["published_at"] == "2021-09-06T10:17:00+00:00"


def test_whitespace_before_the_declaration() -> None:
    first = records("picofeed_resorts_whitespace_before_decl.xml")[0]
    assert first["native_id"] == "http://www.hyatt.com/rss/edeals/.jhtml?19Jul09"
    assert first["published_at"] == "2009-07-07T04:00:00+00:00"


def test_unescaped_ampersand_in_a_link() -> None:
    first = records("feedparser_corrupted_ampersands.xml")[0]
    assert first["url"] == "http://link/get?a=1&b=2"
    assert first["native_id"] == "http://link/get?a=1&b=2"  # no guid: the link identifies the entry


def test_xml_base_resolves_relative_links() -> None:
    first = records("feedrs_atom_xml_base.xml", url="https://numi.st/feed.xml")[0]
    assert first["native_id"] == "https://numi.st/post/2022/travel-uke"
    assert first["title"] == "my cool entry title"
    assert 'src="https://numi.st/post/2022/travel-uke/IMG_1232.jpeg"' in first["summary"]
    assert first["published_at"] == "2022-04-21T00:00:00+00:00"  # Atom <updated> when no <published>


def test_json_feed_item_fields() -> None:
    first = records("feedrs_jsonfeed_1.1.json")[0]
    url = (
        "https://www.influxdata.com/blog/influxdb-outperforms-graphite-in-time-series-data-metrics-benchmark"
    )
    assert first["native_id"] == url  # no id: the url
    assert first["url"] == url
    assert first["title"] == "InfluxDB vs. Graphite for Time Series Data & Metrics Benchmark"
    assert first["published_at"] == "2019-05-31T12:17:58-07:00"  # an RFC 822 date in JSON, offset kept
    assert first["language"] == "en"  # feed-level "en-US"


def test_unparseable_date_keeps_the_item_without_date() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>Appel \xc3\xa0 projets</title><link>https://example.org/a</link>"
        b"<pubDate>le 32 du mois prochain</pubDate></item></channel></rss>"
    )
    (only,) = feed.parse(body, source="s", options={"kind": "call"})
    assert only["title"] == "Appel à projets"
    assert only["published_at"] is None


def test_entry_without_id_or_link_gets_a_stable_hash_id() -> None:
    body = b'<rss version="2.0"><channel><item><title>Sans lien</title></item></channel></rss>'
    first = next(feed.parse(body, source="s"))
    again = next(feed.parse(body, source="s"))
    assert first["native_id"].startswith("h")
    assert first["native_id"] == again["native_id"]


def test_empty_well_formed_feed_gives_no_record() -> None:
    assert records("feedparser_utf16le_bom.xml") == []


def test_feed_cut_after_its_channel_without_entries_gives_no_record() -> None:
    assert records("feedrs_rss20_invalid.xml") == []  # Reuters' channel, cut before any item: nothing in it


def test_feed_cut_inside_its_only_entry_gives_no_record_and_says_where() -> None:
    # feedparser's own test file: the channel is whole, its one <item> stops inside a CDATA title
    body = (FIXTURES / "feedparser_incomplete_cdata.xml").read_bytes()
    assert list(feed.parse(body, source="s", url="https://example.org/cut.xml")) == []
    assert feed.notes(body) == ["the feed is cut short inside entry 1: no entry was complete before it"]


def test_feed_cut_midway_keeps_the_entries_before_the_cut() -> None:
    whole = (FIXTURES / "picofeed_cerclepsy_fr.xml").read_bytes()
    cut = whole[: whole.index(b"</item>", whole.index(b"</item>") + 1) + 200]  # inside the 3rd item
    kept = list(feed.parse(cut, source="s"))
    assert [r["title"] for r in kept] == [r["title"] for r in list(feed.parse(whole, source="s"))[:2]]
    assert feed.notes(cut) == ["the feed is cut short inside entry 3: the 2 entries before the cut are kept"]
    assert feed.notes(whole) == []


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        list(feed.parse(b"<html><body><p>Hello</p></body></html>", source="s"))


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.name != "SOURCES.md"))
def test_fixture_is_sniffed_as_feed(name: str) -> None:
    assert detect_family((FIXTURES / name).read_bytes(), name) == "feed"


def test_every_corpus_feed_gives_records_or_a_parse_error() -> None:
    folder = CORPUS / "feeds"
    if not folder.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    outcomes = {}
    for path in sorted(folder.iterdir()):
        body = path.read_bytes()
        assert detect_family(body, path.name) == "feed", path.name
        try:
            outcomes[path.name] = len(
                list(feed.parse(body, source="corpus", url=f"https://example.org/{path.name}"))
            )
        except ParseError as exc:
            assert "\n" not in str(exc)
            outcomes[path.name] = str(exc)
    assert outcomes["rsparser_daringfireball_atom_in_rss_ext.rss"] == 47  # Atom in a .rss file
    assert outcomes["rsparser_kc0011_gb2312.rss"] == 20
    assert outcomes["picofeed_nextinpact_fr_no_decl.xml"] == 45
    assert outcomes["rsparser_donthitsave_bom.xml"] == 10
    readable = [n for n, v in outcomes.items() if isinstance(v, int) and v > 0]
    assert len(readable) >= 25, outcomes


def test_large_feed_cut_midway_keeps_the_entries_before_the_cut() -> None:
    # Streamed path (over feed_large.LARGE_FEED_BYTES): the real feed's items repeated with their own links, then cut
    from spiders.parsers import feed_large

    whole = (FIXTURES / "picofeed_cerclepsy_fr.xml").read_bytes()
    head, first = whole.index(b"<item"), whole.index(b"</item>") + len(b"</item>")
    item, copies = whole[head:first], feed_large.LARGE_FEED_BYTES // (first - head) + 1
    items = b"".join(item.replace(b"</link>", b"?n=%d</link>" % n, 1) for n in range(copies))
    body = whole[:head] + items + whole[first:]
    cut = body[: head + len(items) - 40]  # inside the last copy
    kept = list(feed.parse(cut, source="s"))
    assert len(kept) == copies - 1
    assert kept[-1]["url"].endswith(f"?n={copies - 2}")
    assert feed.notes(cut) == [
        f"the feed is cut short inside entry {copies}: the {copies - 1} entries before the cut are kept"
    ]
