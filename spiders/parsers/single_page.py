"""One HTML page about one thing (an agency's or an NGO's page about one call), with no schema.org event and no
registry selectors: one raw record for the page.

Fields, from the signals publishers give for sharing a page (Open Graph, meta tags, JSON-LD Article/WebPage):
    title      the h1 when og:title is that h1 plus the site's name (the usual "Title - Site"), else og:title
               without a trailing " - Site" / " | Site", else the h1, else <title>
    summary    og:description / meta description, then the page's main text (article, main, the post body), so
               that the sentence stating the deadline reaches refine, which reads deadlines in text
    organiser  og:site_name (its first part: "fundsforNGOs - Grants and…" is fundsforNGOs), else the JSON-LD
               publisher's name, else meta author
    url        link rel=canonical, else og:url, else the page's own address
    language   <html lang>; published_at from article:published_time or JSON-LD datePublished
A listing (JSON-LD CollectionPage / SearchResultsPage / ItemList as the page's type) is not one call: each of its
linked entries is a record (page_listing); one with no linked entry is a ParseError pointing to html_list. A page with
neither a title nor text gives no record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import lxml.html
from lxml import etree

from spiders.parsers import page_listing
from spiders.parsers._text import absolute, html_tree, jsonld_blocks, looks_like_html
from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.languages import normalise_lang
from vigie.core.text import squash

FAMILY = "page"

MAX_TEXT = 6000  # characters of main text kept: a call's conditions and dates come first
_LISTING_TYPES = {"collectionpage", "searchresultspage", "itemlist"}
_MAIN = (
    "//article[.//h1]",
    "//*[@itemprop='articleBody']",
    "//main",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]",
    "//article",
    "//body",
)
_NOISE = [
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "template",
]
_SEPARATOR = re.compile(r"\s+[-|–—:]\s+")


def sniff(head: bytes, filename: str) -> bool:
    return looks_like_html(head)


def _meta(tree: etree._Element, *names: str) -> str | None:
    for name in names:
        for value in tree.xpath(f"//meta[@property='{name}' or @name='{name}']/@content"):
            if squash(value):
                return squash(value)
    return None


def _jsonld(tree: etree._Element) -> list[dict]:
    """Every JSON-LD node of the page, @graph members included."""
    nodes: list[dict] = []
    stack = list(jsonld_blocks(tree))
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            nodes.append(node)
            stack.extend(node.get("@graph") or [])
    return nodes


def _types(node: Mapping[str, Any]) -> set[str]:
    value = node.get("@type") or []
    return {str(v).rsplit("/", 1)[-1].lower() for v in (value if isinstance(value, list) else [value])}


def _title(tree: etree._Element, site: str | None) -> str | None:
    h1s = [squash(h.text_content()) for h in tree.xpath("//h1")]
    h1 = next((h for h in h1s if h), None)
    og = _meta(tree, "og:title", "twitter:title")
    if og and h1 and og.lower().startswith(h1.lower()):
        return h1
    if og:
        parts = _SEPARATOR.split(og)
        while (
            len(parts) > 1
            and site
            and (parts[-1].lower() in site.lower() or site.lower() in parts[-1].lower())
        ):
            parts.pop()
        return " - ".join(parts)
    return h1 or squash("".join(tree.xpath("//title//text()"))) or None


def _main_text(tree: etree._Element) -> str:
    for query in _MAIN:
        found = tree.xpath(query)
        if not found:
            continue
        node = lxml.html.fromstring(lxml.html.tostring(found[0]))  # a copy: noise is dropped from it only
        for bad in node.xpath(" | ".join(f"//{tag}" for tag in _NOISE)):
            if bad is not node and bad.getparent() is not None:
                bad.getparent().remove(bad)
        blocks = [
            squash(b.text_content())
            for b in node.xpath("//p | //li | //h2 | //h3 | //h4 | //td | //dt | //dd")
        ]
        text = "\n".join(b for b in dict.fromkeys(blocks) if b)
        if text:
            return text[:MAX_TEXT]
    return ""


def _is_listing(tree: etree._Element, nodes: list[dict]) -> bool:
    own = [n for n in nodes if _types(n) & _LISTING_TYPES]
    singles = [n for n in nodes if _types(n) & {"article", "blogposting", "newsarticle", "webpage"}]
    return bool(own) and not singles


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    what = url or source
    tree = html_tree(body, what)
    nodes = _jsonld(tree)
    language = normalise_lang(tree.get("lang")) or normalise_lang(_meta(tree, "og:locale"))
    if _is_listing(tree, nodes):
        found = page_listing.entries(tree, url)
        if not found:
            raise ParseError(
                f"{what}: a listing page (schema.org CollectionPage) with no linked entries: "
                "read it as html_list with item and fields selectors"
            )
        yield from page_listing.records(
            found, source=source, family=FAMILY, kind=options.get("kind"), language=language
        )
        return
    site = _meta(tree, "og:site_name")
    publisher = next((n.get("publisher") for n in nodes if isinstance(n.get("publisher"), dict)), None)
    organiser = (
        (_SEPARATOR.split(site)[0] if site else None)
        or (squash(publisher.get("name")) if publisher and isinstance(publisher.get("name"), str) else None)
        or _meta(tree, "author")
    )
    title = _title(tree, site)
    description = _meta(tree, "og:description", "description", "twitter:description")
    text = _main_text(tree)
    if description and squash(description[:60]) in text[:2000]:
        description = None  # the description is the text's first lines
    summary = "\n\n".join(t for t in (description, text) if t) or None
    if not (title or summary):
        return
    canonical = tree.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href")
    page_url = absolute(canonical[0] if canonical else _meta(tree, "og:url"), url) or url or None
    published = _meta(tree, "article:published_time") or next(
        (n["datePublished"] for n in nodes if isinstance(n.get("datePublished"), str)), None
    )
    yield new_raw(
        source,
        FAMILY,
        kind=options.get("kind"),
        native_id=page_url or title,
        url=page_url,
        title=title,
        summary=summary,
        organiser=organiser,
        language=language,
        published_at=published,
        raw_ref=page_url,
    )
