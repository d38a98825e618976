"""A listing page with no registry selectors (a blog or news index of calls: WordPress, Drupal and most CMS
write each entry as an <article> whose heading links to the entry's own page): one raw record per entry.

Registry sources should still use `html_list` with selectors; this is what `vigie parse LISTING.html` and an
unknown listing give, so a person sees the entries instead of an error. An entry is an <article> (or an
element marked up as a schema.org CreativeWork/BlogPosting) with a heading that links to another page; its
summary is its text, where a "Deadline: …" line reaches refine's deadline reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from spiders.parsers._text import absolute, stable_id
from vigie.core.items import new_raw
from vigie.core.text import squash

MAX_ENTRY_TEXT = 2000
_ENTRIES = "//article | //*[@itemtype and not(ancestor::article) and .//*[self::h2 or self::h3]/a[@href]]"


def entries(tree: etree._Element, url: str) -> list[dict[str, Any]]:
    """(title, url, summary, published) of each linked entry, in page order; empty when the page has none."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for node in tree.xpath(_ENTRIES):
        links = node.xpath(".//*[self::h1 or self::h2 or self::h3 or self::h4]//a[@href]")
        if not links:
            continue
        link = absolute(links[0].get("href"), url)
        title = squash(links[0].text_content())
        if not link or not title or link in seen or link == url:
            continue
        seen.add(link)
        paragraphs = [squash(p.text_content()) for p in node.xpath(".//p | .//li")]
        summary = "\n".join(p for p in paragraphs if p)[:MAX_ENTRY_TEXT] or None
        published = next(iter(node.xpath(".//time/@datetime")), None)
        out.append({"title": title, "url": link, "summary": summary, "published": published})
    return out


def records(
    found: list[dict[str, Any]], *, source: str, family: str, kind: str | None, language: str | None
) -> Iterator[dict]:
    for entry in found:
        yield new_raw(
            source,
            family,
            kind=kind,
            native_id=entry["url"] or stable_id(entry["title"]),
            url=entry["url"],
            title=entry["title"],
            summary=entry["summary"],
            language=language,
            published_at=entry["published"],
            raw_ref=entry["url"],
        )
