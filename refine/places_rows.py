"""Rows of open-data places files (the `places` family, spiders.parsers.places) checked into places: a row that
cannot be a place is refused with a reason naming its source, its row and the field; the other rows load.

Refused: no name; a latitude or longitude that is not a number in range, or one without the other; a country that
is not a two-letter code; a postcode that is not one of its country's (POSTCODES); a website that is not a web
address. Lenient where open data is loose: a kind outside Vigie's list is "other", equipment, access and sectors
outside the vocabularies are left out, a postcode is written in its country's spelling ("e59nd" -> "E5 9ND"), a
website without its scheme gets http://."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from refine.places_config import ACCESS, PLACE_KINDS, PRICES, load_equipment
from refine.places_match import Place
from vigie.core.taxonomy import sector_labels
from vigie.core.text import squash

# Postcodes as each country writes them (after upper-casing and folding spaces); a country not listed is not checked.
POSTCODES = {
    "BE": r"\d{4}",
    "FR": r"\d{5}",
    "DE": r"\d{5}",
    "NL": r"\d{4} [A-Z]{2}",
    "LU": r"(?:L-)?\d{4}",
    "CH": r"\d{4}",
    "ES": r"\d{5}",
    "IT": r"\d{5}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}",
}
_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+(?::\d+)?(?:[/?#]\S*)?$")


@dataclass
class Checked:
    places: list[Place] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(
        default_factory=list
    )  # quarantine rows: source, native_id, record, reason


def place_id(source: str, native_id: str) -> str:
    """The id of an open-data row's place: stable across runs of its source."""
    return "p-" + hashlib.sha1(f"{source}:{native_id}".encode()).hexdigest()[:12]


def _text(values: dict[str, Any], name: str) -> str | None:
    value = values.get(name)
    if value is None or isinstance(value, list | dict):
        return None
    return squash(str(value)) or None


def _coordinates(values: dict[str, Any]) -> tuple[float | None, float | None]:
    out = []
    for name, limit in (("latitude", 90), ("longitude", 180)):
        value = values.get(name)
        if value in (None, ""):
            out.append(None)
            continue
        try:
            number = float(str(value).strip().replace(",", ".")) if not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or not -limit <= number <= limit:
            raise ValueError(f"{name} {value!r} is not a number between -{limit} and {limit}")
        out.append(number)
    if (out[0] is None) != (out[1] is None):
        raise ValueError("latitude and longitude go together: one is missing")
    return out[0], out[1]


def postcode(value: str | None, country: str | None) -> str | None:
    """The postcode in its country's spelling; ValueError when it cannot be one of that country's."""
    if not value:
        return None
    text = re.sub(r"\s+", " ", value.upper().strip(" ,;."))
    pattern = POSTCODES.get(country or "")
    if country == "GB" and " " not in text and len(text) > 4:
        text = f"{text[:-3]} {text[-3:]}"
    if country == "NL" and re.fullmatch(r"\d{4}[A-Z]{2}", text):
        text = f"{text[:4]} {text[4:]}"
    if pattern and not re.fullmatch(pattern, text):
        raise ValueError(f"postcode {value!r} is not a {country} postcode")
    return text


def website(value: str | None) -> str | None:
    if not value:
        return None
    if re.match(r"(?i)^https?://\S+$", value):
        return value
    if _HOST.match(value):
        return f"http://{value}"
    raise ValueError(f"website {value[:60]!r} is not a web address")


def _list(values: dict[str, Any], name: str) -> list[str]:
    value = values.get(name) or []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def check_row(record: dict[str, Any], equipment: set[str]) -> Place:
    """The place a row describes; ValueError naming the field otherwise."""
    values = (record.get("place") or {}).get("values") or {}
    name = _text(values, "name")
    if not name:
        raise ValueError("name is missing")
    country = (_text(values, "country") or record.get("country") or "").upper() or None
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise ValueError(f"country {country!r} is not a two-letter code")
    latitude, longitude = _coordinates(values)
    code = postcode(_text(values, "postcode"), country)
    kinds = [k if k in PLACE_KINDS else "other" for k in _list(values, "kinds")] or ["other"]
    price = _text(values, "price")
    return Place(
        id=place_id(record["source"], str(record.get("native_id"))),
        name=name,
        address=_text(values, "address"),
        postcode=code,
        city=_text(values, "city"),
        country=country,
        latitude=latitude,
        longitude=longitude,
        sources={record["source"]},
        fields={
            "kinds": list(dict.fromkeys(kinds)),
            "region": _text(values, "region"),
            "sectors": [s for s in _list(values, "sectors") if s in sector_labels()],
            "equipment": [e for e in _list(values, "equipment") if e in equipment],
            "access": [a for a in _list(values, "access") if a in ACCESS],
            "price": price if price in PRICES else None,
            "languages": [x.lower() for x in _list(values, "languages") if re.fullmatch(r"[A-Za-z]{2}", x)],
            "website": website(_text(values, "website")),
            "contact": _text(values, "contact"),
        },
    )


def check_rows(records: list[dict[str, Any]]) -> Checked:
    """The places of a run's open-data rows (records of the places family), and the refused rows."""
    equipment = set(load_equipment()[0])
    out = Checked()
    for record in records:
        if record.get("family") != "places":
            continue
        row = (record.get("place") or {}).get("row", "?")
        try:
            out.places.append(check_row(record, equipment))
        except ValueError as exc:
            label = _text((record.get("place") or {}).get("values") or {}, "name")
            where = f"{record.get('source')} row {row}" + (f" ({label})" if label else "")
            out.refused.append(
                {
                    "source": record.get("source"),
                    "native_id": record.get("native_id"),
                    "record": record,
                    "reason": f"{where}: {exc}",
                }
            )
    return out
