"""Where the schema.org Events of a response are (spiders.parsers.schemaorg maps them to records): the JSON-LD
blocks and the microdata of an HTML page, or a JSON-LD document served on its own (`application/ld+json`: an
Event, a list of them, a `@graph`), as city open-data portals and agenda exports publish them. Events are found at
any depth (`@graph`, ItemList elements, an organisation's `event` list)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import extruct

from spiders.parsers import _json
from spiders.parsers._text import jsonld_blocks

_EVENT_TYPES = {"festival", "hackathon", "eventseries", "courseinstance"}
# An Event type in JSON-LD ("@type": "MusicEvent") or microdata (itemtype=".../Festival"), cheaply.
_EVENT_MARK = re.compile(
    rb"(?:\"@type\"\s*:\s*\[?\s*\"(?:[\w:/.]*/)?|schema\.org/)(?:\w*Event|Festival|Hackathon|EventSeries|CourseInstance)\b",
    re.I,
)
# A JSON document whose vocabulary is schema.org: its @context says so near its start.
_SCHEMA_CONTEXT = re.compile(r"\"@context\"\s*:\s*\[?\s*\"https?://schema\.org", re.I)
# Real microdata nests a few levels (Event > Place > PostalAddress); hundreds mean unclosed tags, on which
# extruct's extraction is quadratic (minutes for a 300 KB page). Such markup is not read: JSON-LD still is.
_MAX_ITEMSCOPE_DEPTH = 24
_NOT_EVENTS = ("location", "organizer", "offers", "performer")


def bare_jsonld(head: bytes) -> bool:
    """A JSON-LD document of its own, in the schema.org vocabulary (first 4 KiB)."""
    return _json.starts_like_json(head) and bool(_SCHEMA_CONTEXT.search(_json.head_text(head)))


def names_an_event(body: bytes) -> bool:
    return bool(_EVENT_MARK.search(body))


def page(body: bytes, url: str, tree: Any) -> list[dict]:
    """The events of an HTML page: its JSON-LD blocks, then its microdata."""
    found: list[dict] = []
    for document in [*jsonld_blocks(tree), *_microdata(body, url, tree)]:
        _collect(document, found)
    return found


def document(body: bytes, what: str) -> list[dict]:
    """The events of a JSON-LD document (ParseError naming `what` when it is not JSON)."""
    found: list[dict] = []
    _collect(_json.load(body, what), found)
    return found


def types(node: Mapping[str, Any]) -> list[str]:
    value = node.get("@type") or node.get("type") or []
    values = value if isinstance(value, list) else [value]
    return [str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for v in values if v]


def keywords(node: Mapping[str, Any]) -> list[str]:
    """schema.org `keywords`: a list or one comma-separated text ("Music, Arts/Exhibits"), as the publisher
    classifies the event; at most 20, each under 60 characters (a page's keyword stuffing is not a classification)."""
    value = node.get("keywords")
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    out = [" ".join(v.split()) for v in items if isinstance(v, str)]
    return [k for k in out if 0 < len(k) < 60][:20]


def _is_event(node: Mapping[str, Any]) -> bool:
    return any(t.endswith("event") or t in _EVENT_TYPES for t in types(node))


def _collect(node: Any, found: list[dict]) -> None:
    if isinstance(node, list):
        for child in node:
            _collect(child, found)
    elif isinstance(node, dict):
        if _is_event(node):
            found.append(node)
        for key, child in node.items():
            if isinstance(child, (dict, list)) and key not in _NOT_EVENTS:
                _collect(child, found)


def _microdata(body: bytes, url: str, tree: Any) -> list[Any]:
    deepest = max(
        (len(el.xpath("ancestor::*[@itemscope]")) for el in tree.xpath("//*[@itemscope]")), default=0
    )
    if deepest > _MAX_ITEMSCOPE_DEPTH:
        return []
    try:
        return extruct.extract(
            body, base_url=url or None, syntaxes=["microdata"], uniform=True, errors="ignore"
        ).get("microdata", [])
    except Exception:  # noqa: BLE001 - broken microdata must not cost the JSON-LD already read
        return []
