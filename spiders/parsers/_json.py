"""Reading JSON the way publishers really send it: any Unicode encoding (with or without BOM), legacy 8-bit
files, one document, several concatenated documents, or JSON Lines.

Every failure is a ParseError whose message names `what` (the file or URL) and the problem in one line.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any

from vigie.core.errors import ParseError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECODER = json.JSONDecoder()


def detect_encoding(head: bytes) -> tuple[str, int]:
    """(encoding, BOM length) from the first bytes; RFC 4627 §3 null-byte patterns find BOM-less UTF-16/32.

    A file that is neither is reported as "utf-8"; decode() falls back to cp1252 when it is not valid UTF-8.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    if len(head) >= 4:
        b = head[:4]
        if b[0] == 0 and b[1] == 0 and b[2] == 0 and b[3]:
            return "utf-32-be", 0
        if b[0] and b[1] == 0 and b[2] == 0 and b[3] == 0:
            return "utf-32-le", 0
        if b[0] == 0 and b[1]:
            return "utf-16-be", 0
        if b[0] and b[1] == 0:
            return "utf-16-le", 0
    return "utf-8", 0


def decode(body: bytes, what: str) -> str:
    """Text of a JSON body. JSON is UTF-8 by standard, but public data portals still export ISO-8859-1/cp1252:
    when the bytes are not valid UTF-8 they are read as cp1252 (a superset of ISO-8859-1 for printable text),
    then latin-1, which cannot fail."""
    encoding, skip = detect_encoding(body[:4])
    if encoding != "utf-8":
        try:
            return body[skip:].decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"{what}: not valid {encoding.upper()} text ({exc.reason} at byte {exc.start})"
            ) from None
    data = body[skip:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def head_text(head: bytes) -> str:
    """The first bytes as text, for sniffers: tolerant of a cut multi-byte character and of UTF-16."""
    encoding, skip = detect_encoding(head[:4])
    if encoding.startswith(("utf-16", "utf-32")):
        return head[skip:].decode(encoding, errors="ignore")
    return head[skip:].decode("utf-8", errors="replace")


def starts_like_json(head: bytes) -> bool:
    text = head_text(head).lstrip()
    return text[:1] in ("{", "[")


def _error(what: str, exc: json.JSONDecodeError) -> ParseError:
    return ParseError(f"{what}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")


def _too_deep(what: str) -> ParseError:
    # Arrays or objects nested thousands deep: no publisher's data, and Python's decoder recurses per level.
    return ParseError(f"{what}: JSON nested too deeply to be read")


def load(body: bytes, what: str) -> Any:
    """One JSON document (the usual API response)."""
    text = decode(body, what)
    if not text.strip():
        raise ParseError(f"{what}: empty body, expected JSON")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error(what, exc) from None
    except RecursionError:
        raise _too_deep(what) from None


def _lines(body: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, line) without building a list of every line: a large JSON Lines file stays one copy."""
    start, number, size = 0, 1, len(body)
    while start < size:
        end = body.find(b"\n", start)
        if end < 0:
            end = size
        yield number, body[start:end]
        start, number = end + 1, number + 1


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return line.decode("cp1252")
        except UnicodeDecodeError:
            return line.decode("latin-1")


def _first_line_is_document(body: bytes) -> bool:
    end = body.find(b"\n")
    if end < 0:
        return False
    first = body[:end].strip()
    if not first or not body[end + 1 :].strip():
        return False
    try:
        json.loads(_decode_line(first))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return False
    return True


def iter_documents(body: bytes, what: str) -> Iterator[Any]:
    """Every JSON document in a body: a single document, JSON Lines (read line by line, so memory holds one line's
    objects at a time), or documents simply concatenated (e.g. several pretty-printed packages in one file)."""
    encoding, skip = detect_encoding(body[:4])
    if encoding == "utf-8":
        body = body[skip:]
        if _first_line_is_document(body):
            for number, line in _lines(body):
                line = line.strip()
                if not line:
                    continue
                try:
                    yield json.loads(_decode_line(line))
                except json.JSONDecodeError as exc:
                    raise ParseError(
                        f"{what}: line {number} is not valid JSON ({exc.msg}, column {exc.colno})"
                    ) from None
                except RecursionError:
                    raise _too_deep(f"{what} line {number}") from None
            return
    text = decode(body, what)
    size, index, found = len(text), 0, False
    while True:
        while index < size and text[index] in " \t\r\n":
            index += 1
        if index >= size:
            break
        try:
            document, index = _DECODER.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise _error(what, exc) from None
        except RecursionError:
            raise _too_deep(what) from None
        found = True
        yield document
    if not found:
        raise ParseError(f"{what}: empty body, expected JSON")
