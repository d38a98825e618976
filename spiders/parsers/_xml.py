"""Shared helpers for the TED parsers (eForms UBL, TED XML R2, TED API v3): safe XML loading, EU language and
country codes, and date/time assembly.

TED mixes three code systems: eForms and the API use ISO 639-2 language codes ("FRA", "nld") and ISO 3166-1
alpha-3 countries ("BEL"); R2 XML uses ISO 639-1 in upper case ("FR") and alpha-2 countries. Vigie's schema wants
ISO 639-1 and alpha-2, so everything goes through `vigie.core.languages.normalise_lang` and `country2`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lxml import etree

from spiders.parsers import _json
from vigie.core import timezone
from vigie.core.errors import ParseError

# entities are never resolved and nothing is fetched: a notice is data from the internet
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
)


_DECLARED_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_TEXT_STARTS = "<{[ \t\r\nB"  # markup, JSON, whitespace, BEGIN:VCALENDAR


def utf8(body: bytes, what: str, *, strict: bool = True) -> bytes:
    """A UTF-16 or UTF-32 body (with a BOM, or without one when its first character is markup or JSON) as UTF-8,
    its XML declaration saying so; any other body unchanged. Every family then reads it as usual: sniffers look
    for ASCII markers, and an XML declaration saying UTF-16 over UTF-8 bytes would make lxml fail.
    `strict=False` is for a head cut in the middle of a character."""
    encoding, skip = _json.detect_encoding(body[:4])
    if not encoding.startswith(("utf-16", "utf-32")):
        return body
    if not skip and body[:4].decode(encoding, errors="ignore")[:1] not in _TEXT_STARTS:
        return body  # null bytes that are not wide text: binary, which detection reports as such
    try:
        text = body[skip:].decode(encoding, errors="strict" if strict else "ignore")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"{what}: not valid {encoding.upper()} text ({exc.reason} at byte {exc.start})"
        ) from None
    return _DECLARED_ENCODING.sub(rb"\1\2UTF-8\2", text.encode("utf-8"), count=1)


def load(body: bytes) -> etree._Element:
    """The root element of an XML document, or a one-line ParseError saying what is wrong (the caller names the
    file or URL)."""
    if not body or not body.strip():
        raise ParseError("empty file")
    try:
        return etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise ParseError(f"XML is not well-formed: {msg}") from None


def localname(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def text(el: etree._Element | None) -> str:
    """All text under an element (paragraph children joined by newlines), whitespace folded per line."""
    if el is None:
        return ""
    paragraphs = [p for p in el if isinstance(p.tag, str) and localname(p) == "P"]
    parts = paragraphs or [el]
    lines = (" ".join("".join(p.itertext()).split()) for p in parts)
    return "\n".join(line for line in lines if line)


# ISO 3166-1 alpha-3 -> alpha-2: Europe in full, then the countries that most often appear as buyers or places of
# performance on TED (EU delegations, development programmes).
# fmt: off
_COUNTRY3 = {
    "AUT": "AT", "BEL": "BE", "BGR": "BG", "HRV": "HR", "CYP": "CY", "CZE": "CZ", "DNK": "DK", "EST": "EE",
    "FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "GR", "HUN": "HU", "IRL": "IE", "ITA": "IT", "LVA": "LV",
    "LTU": "LT", "LUX": "LU", "MLT": "MT", "NLD": "NL", "POL": "PL", "PRT": "PT", "ROU": "RO", "SVK": "SK",
    "SVN": "SI", "ESP": "ES", "SWE": "SE", "ISL": "IS", "LIE": "LI", "NOR": "NO", "CHE": "CH", "GBR": "GB",
    "ALB": "AL", "AND": "AD", "BIH": "BA", "BLR": "BY", "FRO": "FO", "GEO": "GE", "GIB": "GI", "MCO": "MC",
    "MDA": "MD", "MKD": "MK", "MNE": "ME", "SMR": "SM", "SRB": "RS", "TUR": "TR", "UKR": "UA", "VAT": "VA",
    "ARM": "AM", "AZE": "AZ", "RUS": "RU", "XKX": "XK", "GRL": "GL", "IMN": "IM", "JEY": "JE", "GGY": "GG",
    "USA": "US", "CAN": "CA", "MEX": "MX", "BRA": "BR", "ARG": "AR", "CHL": "CL", "COL": "CO", "PER": "PE",
    "CHN": "CN", "JPN": "JP", "KOR": "KR", "IND": "IN", "IDN": "ID", "PHL": "PH", "VNM": "VN", "THA": "TH",
    "AUS": "AU", "NZL": "NZ", "ZAF": "ZA", "EGY": "EG", "MAR": "MA", "TUN": "TN", "DZA": "DZ", "LBY": "LY",
    "ISR": "IL", "PSE": "PS", "JOR": "JO", "LBN": "LB", "SYR": "SY", "IRQ": "IQ", "SAU": "SA", "ARE": "AE",
    "SEN": "SN", "CIV": "CI", "GHA": "GH", "NGA": "NG", "KEN": "KE", "ETH": "ET", "COD": "CD", "CMR": "CM",
    "MLI": "ML", "NER": "NE", "BFA": "BF", "TCD": "TD", "RWA": "RW", "UGA": "UG", "TZA": "TZ", "MOZ": "MZ",
    "AGO": "AO", "MDG": "MG", "HTI": "HT", "AFG": "AF", "PAK": "PK", "BGD": "BD", "KAZ": "KZ", "UZB": "UZ",
}
# fmt: on


def country2(code: str | None) -> str | None:
    """ISO 3166-1 alpha-2 from alpha-2 or alpha-3; TED's "UK" (R2 XML) becomes "GB"; None when unknown."""
    if not code:
        return None
    code = code.strip().upper()
    if len(code) == 2 and code.isalpha():
        return {"UK": "GB", "EL": "GR"}.get(code, code)
    return _COUNTRY3.get(code)


# Local time zone per country for naive times (R2 XML gives deadlines as local wall-clock times): the one table,
# in vigie.core.timezone, re-exported for the procurement parsers.
COUNTRY_TZ = timezone.COUNTRY_TZ

_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def _offset(raw: str | None) -> str:
    if not raw:
        return ""
    if raw == "Z":
        return "+00:00"
    return raw if ":" in raw else f"{raw[:3]}:{raw[3:]}"


def iso_date(value: str | None) -> str | None:
    """'YYYY-MM-DD' from '2024-10-10+02:00', '2024-03-13Z' or '20200720'. A date's offset only says where it was
    written; Vigie's convention reads a bare date as that day in Brussels, so the offset is dropped."""
    if not value:
        return None
    m = _DATE.match(value.strip())
    if not m:
        return None
    y, mo, d = m.groups()
    try:
        datetime(int(y), int(mo), int(d))
    except ValueError:
        return None
    return f"{y}-{mo}-{d}"


def iso_datetime(date_value: str | None, time_value: str | None) -> str | None:
    """Join a date and a time: '2024-11-18+01:00' + '10:00:00+01:00' -> '2024-11-18T10:00:00+01:00'.

    The time's offset wins, then the date's; with neither the result is naive (local time, see the raw schema).
    Without a usable time the result is the bare date. Fractions of a second are dropped."""
    day = iso_date(date_value)
    if not day:
        return None
    m = _TIME.match((time_value or "").strip())
    if not m:
        return day
    hh, mm, ss, off = m.groups()
    if int(hh) > 23 or int(mm) > 59:
        return day
    if not off:
        date_off = _OFFSET.search((date_value or "").strip()[10:])
        off = date_off.group(1) if date_off else None
    return f"{day}T{int(hh):02d}:{mm}:{ss or '00'}{_offset(off)}"


def moment(value: str) -> datetime:
    """A sort key for mixed dates: a bare date counts as its last second, naive times as UTC."""
    if "T" not in value:
        value = f"{value}T23:59:59"
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def dedupe(values: list[str]) -> list[str]:
    """Distinct non-empty values in first-seen order."""
    return list(dict.fromkeys(v for v in values if v))


_CPV = re.compile(r"^(\d{8})(?:-\d)?$")


def cpv8(code: str | None) -> str | None:
    m = _CPV.match((code or "").strip())
    return m.group(1) if m else None


_NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


def nuts(code: str | None) -> str | None:
    """A NUTS code, or None for TED's placeholders ("anyw", "OTHN", "UKZZZ" is kept: it is a real extra-regio code)."""
    code = (code or "").strip()
    return code if _NUTS.match(code) else None


def publication_number(value: str | None) -> str | None:
    """TED's canonical notice number '612681-2024' from '00612681-2024' (eForms) or '612681-2024' (API, R2)."""
    m = re.match(r"^0*(\d+)-(\d{4})$", (value or "").strip())
    return f"{m.group(1)}-{m.group(2)}" if m else None


def notice_url(number: str) -> str:
    return f"https://ted.europa.eu/en/notice/-/detail/{number}"
