"""Family parsers: bytes of one response or file -> raw records (see vigie.core.items).

Parsers know formats, not sites: a spider downloads, a parser reads, refine cleans and tags. The same parsers
serve the Scrapy spiders and `vigie parse FILE`.

The family table (spiders.families) names the module of each family; each defines:
    FAMILY: str                                   the registry family name
    def sniff(head: bytes, filename: str) -> bool  cheap format detection on the first 4 KiB
    def claims(body: bytes) -> bool               optional: a second look at the whole body when the sniff said yes
                                                  (an HTML page is schema.org's only if it names an Event type)
    def parse(body: bytes, *, source: str, url: str = "", options: Mapping | None = None) -> Iterator[dict]
        yields vigie.core.items.new_raw(...) records; raises vigie.core.errors.ParseError with a one-line reason
        when the input cannot be read at all (a single bad record inside a good file is yielded with what
        could be read, and refine/validation quarantines it).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from types import ModuleType
from typing import Any

from spiders import families
from vigie.core.errors import ParseError, UnknownFormatError


def _module_name(family: families.Family) -> str:
    return f"{__name__}.{family.parser}"


def module(family: str) -> ModuleType:
    if family not in families.BY_NAME:
        raise ParseError(f"unknown family {family!r} (known: {', '.join(families.names())})")
    return importlib.import_module(_module_name(families.BY_NAME[family]))


def available() -> dict[str, ModuleType]:
    """The family modules that exist in this checkout (a family may still be under construction), in the
    table's order, which is the order of detection."""
    out = {}
    for family in families.FAMILIES:
        name = _module_name(family)
        try:
            out[family.name] = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return out


def _utf8(body: bytes, what: str, *, strict: bool = True) -> bytes:
    # Imported like the family modules (by name): a package importing its own submodule is what the
    # architecture check's import graph cannot follow.
    return importlib.import_module(f"{__name__}._xml").utf8(body, what, strict=strict)


def detect_family(body: bytes, filename: str = "") -> str:
    head = _utf8(body[:4096], filename, strict=False)
    for family, mod in available().items():
        # html_list never says yes: it needs the registry's selectors
        if mod.sniff(head, filename) and getattr(mod, "claims", lambda _: True)(body):
            return family
    raise UnknownFormatError(
        "format not recognised (expected TED XML/JSON, EU Funding & Tenders JSON, "
        "e-Procurement JSON, OCDS, RSS/Atom/JSON Feed, iCalendar, schema.org JSON-LD or HTML)"
    )


def parse(
    body: bytes,
    family: str | None = None,
    *,
    source: str,
    url: str = "",
    options: Mapping[str, Any] | None = None,
) -> Iterator[dict]:
    body = _utf8(body, url or source)  # UTF-16/32 read by every family, XML or not
    family = family or detect_family(body, url)
    return module(family).parse(body, source=source, url=url, options=options or {})
