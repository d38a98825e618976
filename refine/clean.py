"""Text cleaning: markup out, entities decoded (also doubly escaped), whitespace folded, mojibake repaired,
summaries capped; CPV codes read (titles: refine.titles).

Most source text is already clean plain text, so every step first checks cheaply whether it has anything to do:
the common case costs one `str.split` + `join`. lxml only sees text that contains a tag, and ftfy (about 50x
slower than the rest) only text that shows a mojibake signature.
"""

from __future__ import annotations

import html
import re
from typing import Any

import ftfy
import lxml.html
from lxml import etree

from vigie.core.items import ITEM_FIELDS, RAW_FIELDS

SUMMARY_MAX_CHARS = 2000

_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<!--|<!\[CDATA\[|<br\s*/?>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
# A UTF-8 lead byte read as cp1252/latin-1 (Ã, Â, â, Å) followed by a continuation byte read the same way:
# "Ã©" for é, "â€™" for ’. Real French/Dutch text almost never has these pairs.
_MOJIBAKE = re.compile(
    "[\u00c2\u00c3\u00c5\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
# C0 controls (but tab, LF, CR) and DEL carry no meaning in a title or summary, are refused by lxml and are
# illegal in the XML feeds we publish: they become spaces.
_CONTROLS = {c: " " for c in [*range(0, 9), 11, 12, *range(14, 32), 127]}
_HAS_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What no UTF-8 output can carry, or XML refuses: lone surrogates (a JSON "\ud800" escape decodes to one),
# the non-characters U+FFFE/U+FFFF, and C0 controls but tab, LF and CR.
_UNENCODABLE = re.compile("[\ud800-\udfff\ufffe\uffff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
UNENCODABLE_FLAG = "unencodable_text_removed"
_MAX_DEPTH = 64
_BLOCK_TAGS = frozenset(
    """
    address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li
    main nav ol p pre section table tbody td tfoot th thead tr ul
    """.split()  # noqa: SIM905 (a word block is easier to edit than a list)
)


def clean_text(value: object) -> str:
    """Plain text from whatever a source gave: '' for None, one line, no markup, no entities."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    # isprintable() is a C loop cheaper than the regex, and false for every control character
    if not text.isprintable() and _HAS_CONTROL.search(text):
        text = text.translate(_CONTROLS)
    if "<" in text or "&" in text:
        text = _strip_markup(text)
    # Substring tests run at C speed; the regex only confirms when a mojibake lead character is present.
    if ("Ã" in text or "Â" in text or "â€" in text or "Å" in text) and _MOJIBAKE.search(text):
        text = ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False)
    return " ".join(text.split())


def sanitise_record(record: dict) -> dict:
    """The record as it enters refine: every string in it (keys and nested values too) without what cannot be
    encoded (controls become spaces, the rest is dropped), flagged UNENCODABLE_FLAG. A clean record, the usual
    case, is returned as is: one regex test per string."""
    if _clean_at_a_glance(record):
        return record
    dirty = [False]
    cleaned = _sanitised(record, dirty, 0)
    if not dirty[0]:
        return record
    flags = cleaned.get("flags") or []
    if isinstance(flags, (list, tuple)) and UNENCODABLE_FLAG not in flags:
        cleaned["flags"] = [*flags, UNENCODABLE_FLAG]
    return cleaned  # flags that are not a list are the malformed record's own problem (refine quarantines it)


def _clean_at_a_glance(record: object) -> bool:
    """True when the record has nothing to clean: no unencodable character in a key or a string (at any depth)
    and no nesting past _MAX_DEPTH. Every string of the record is joined and tested once (_encodable): a
    repr() of the record, tried before, cost more, as it copies and escapes it. A list of strings (cpv, nuts,
    flags) is joined whole."""
    strings: list[str] = []
    stack: list[tuple[object, int]] = [(record, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return False
        if isinstance(value, dict):
            if not _SCHEMA_KEYS.issuperset(value):
                try:
                    strings.append("".join(value))  # the keys; a key that is not text takes the exact path
                except TypeError:
                    return False
            value = value.values()
        for child in value:  # type: ignore[attr-defined]
            kind = type(child)
            if kind is str:
                strings.append(child)
            elif child is None:  # most fields: tested after str, the most frequent of the rest
                continue
            elif kind is list:
                if child:
                    if depth < _MAX_DEPTH:
                        try:
                            strings.append("".join(child))
                            continue
                        except TypeError:  # not only strings: walked below
                            pass
                    stack.append((child, depth + 1))
            elif kind is int or kind is float or kind is bool:
                continue
            elif kind is dict and not child and depth < _MAX_DEPTH:
                continue  # an empty `texts`: nothing in it, and not deep enough to be hostile nesting
            elif isinstance(child, str):
                strings.append(child)
            elif isinstance(child, (dict, list, tuple)):
                stack.append((child, depth + 1))
    return _encodable("".join(strings))


_SCHEMA_KEYS = frozenset([*RAW_FIELDS, *ITEM_FIELDS])  # plain ASCII names: nothing to search in them
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])


def _encodable(text: str) -> bool:
    """_UNENCODABLE.search(text) is None, twice as fast: UTF-8 refuses exactly the lone surrogates, and the
    control characters are ASCII, so one byte each in UTF-8, which bytes.translate deletes at C speed."""
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return (
        len(encoded.translate(None, _CONTROL_BYTES)) == len(encoded)
        and "\ufffe" not in text
        and "\uffff" not in text
    )


def _sanitised(value: object, dirty: list[bool], depth: int) -> Any:
    if isinstance(value, str):
        if _UNENCODABLE.search(value) is None:
            return value
        dirty[0] = True
        return _UNENCODABLE.sub(_replacement, value)
    if depth > _MAX_DEPTH:
        dirty[0] = True
        return None  # deeper than any record a parser makes: hostile nesting, not data
    if isinstance(value, dict):
        out = {_sanitised(k, dirty, depth + 1): _sanitised(v, dirty, depth + 1) for k, v in value.items()}
        return out if dirty[0] else value
    if isinstance(value, (list, tuple)):
        items = [_sanitised(v, dirty, depth + 1) for v in value]
        return items if dirty[0] else value
    return value


def _replacement(match: re.Match[str]) -> str:
    return " " if match.group() < "\x80" else ""


def _strip_markup(text: str) -> str:
    # Three rounds cover "&amp;lt;p&amp;gt;" (markup escaped twice); each round only runs when it has work.
    for _ in range(3):
        changed = False
        if "<" in text and _TAG.search(text):
            text = _html_to_text(text)
            changed = True
        if "&" in text and _ENTITY.search(text):
            # "&#1;" decodes to a control character too
            text = html.unescape(text)
            if _HAS_CONTROL.search(text):
                text = text.translate(_CONTROLS)
            changed = True
        if not changed:
            break
    return text


# Feed summaries are mostly simple markup (<p>, <br>, <a>, <strong>, <img>): for those, two regex passes give
# the same text as building an lxml tree, five times faster. Anything that hides text (script, style,
# comments, CDATA) or could be malformed in ways a regex misreads goes to lxml.
_NEEDS_PARSER = re.compile(r"<(?:script|style|!--|!\[CDATA\[|textarea|template)", re.IGNORECASE)
_BLOCK_TAG = re.compile(
    r"</?(?:" + "|".join(sorted(_BLOCK_TAGS, key=len, reverse=True)) + r")\b[^>]*>", re.IGNORECASE
)
_ANY_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_TAG_START = re.compile(r"</?[a-zA-Z]")


def _html_to_text(fragment: str) -> str:
    if not _NEEDS_PARSER.search(fragment):
        text = _ANY_TAG.sub("", _BLOCK_TAG.sub(" ", fragment))
        if "<" not in text or not _TAG_START.search(text):  # else a tag cut short: lxml knows better
            return html.unescape(text) if "&" in text else text
    return _html_to_text_lxml(fragment)


def _html_to_text_lxml(fragment: str) -> str:
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]*>", " ", fragment)
    etree.strip_elements(root, "script", "style", etree.Comment, with_tail=False)
    for element in root.iter():
        tag = element.tag
        if isinstance(tag, str) and tag in _BLOCK_TAGS:
            # Block elements separate words: "<p>a</p><p>b</p>" is "a b", not "ab".
            element.tail = " " + element.tail if element.tail else " "
            element.text = " " + element.text if element.text else element.text
    return root.text_content()


# Sources repeat their summaries: every occurrence of a recurring event, an entry on several pages of a feed,
# a notice in each run (half the summaries of ../shared/corpus are repeats). Cleaning a long one is the costly
# part of cleaning (markup, entities), so the cleaned summary is remembered per raw text. A cache only, cleared
# when full; short texts are cheaper to clean than to remember.
_SUMMARIES: dict[str, str] = {}
_SUMMARIES_MAX = 4096
_SUMMARIES_MAX_CHARS = 16_000_000  # the raw texts it holds: some feeds put whole articles in a summary
_SUMMARY_CACHED_FROM = 200  # characters
_held = [0]  # characters of raw text in _SUMMARIES


def clean_summary(value: object) -> str:
    """truncate(clean_text(value)): a summary as refine keeps it."""
    if not isinstance(value, str) or len(value) < _SUMMARY_CACHED_FROM:
        return truncate(clean_text(value))
    found = _SUMMARIES.get(value)
    if found is None:
        found = truncate(clean_text(value))
        if len(_SUMMARIES) >= _SUMMARIES_MAX or _held[0] + len(value) > _SUMMARIES_MAX_CHARS:
            _SUMMARIES.clear()
            _held[0] = 0
        _SUMMARIES[value] = found
        _held[0] += len(value)
    return found


def truncate(text: str, limit: int = SUMMARY_MAX_CHARS) -> str:
    """At most `limit` characters, cut at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–") + "…"


_CPV_CODE = re.compile(r"^\s*(\d{8})(?:-\d)?\s*$")


def clean_cpv(codes: object) -> tuple[list[str], bool]:
    """CPV codes as 8 digits without check digit, in source order, deduplicated; True when one was unreadable."""
    if not codes:
        return [], False
    if isinstance(codes, str):
        codes = [codes]
    out: list[str] = []
    bad = False
    for code in codes:
        match = _CPV_CODE.match(str(code))
        if match is None:
            bad = True
        elif match[1] not in out:
            out.append(match[1])
    return out, bad
