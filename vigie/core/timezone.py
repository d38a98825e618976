"""The one home of time zones: Europe/Brussels (naive times from Belgian sources, every date shown to people), the
zone of a country, and the zone and country of a point on the map.

Country -> zone: every country that has a single zone in the tz database (its zone.tab), plus the main zone of the
countries whose other zones hold few people or share its offset (Spain's Canaries, Portugal's islands, Germany's
Büsingen...). A country spread over several offsets (US, CA, MX, BR, RU, AU, ID, KZ...) has no entry: its zone
needs a region or coordinates. Coordinates -> zone: tzfpy, offline, from the time-zone boundary polygons.
"""

from __future__ import annotations

import contextlib
import importlib.resources
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, ZoneInfoNotFoundError

import tzfpy

from vigie.core.errors import VigieError

TIMEZONE = "Europe/Brussels"
BRUSSELS = ZoneInfo(TIMEZONE)

# The zone most of the country lives in, where zone.tab lists several (or where zone.tab might be missing: the
# countries our sources name most are written out).
# fmt: off
_MAIN_ZONE = {
    "BE": "Europe/Brussels", "NL": "Europe/Amsterdam", "LU": "Europe/Luxembourg", "FR": "Europe/Paris",
    "DE": "Europe/Berlin", "AT": "Europe/Vienna", "CH": "Europe/Zurich", "IT": "Europe/Rome", "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon", "IE": "Europe/Dublin", "GB": "Europe/London", "DK": "Europe/Copenhagen",
    "SE": "Europe/Stockholm", "NO": "Europe/Oslo", "FI": "Europe/Helsinki", "IS": "Atlantic/Reykjavik",
    "EE": "Europe/Tallinn", "LV": "Europe/Riga", "LT": "Europe/Vilnius", "PL": "Europe/Warsaw",
    "CZ": "Europe/Prague", "SK": "Europe/Bratislava", "HU": "Europe/Budapest", "SI": "Europe/Ljubljana",
    "HR": "Europe/Zagreb", "RO": "Europe/Bucharest", "BG": "Europe/Sofia", "GR": "Europe/Athens",
    "CY": "Asia/Nicosia", "MT": "Europe/Malta", "LI": "Europe/Vaduz", "UA": "Europe/Kyiv",
    "CN": "Asia/Shanghai", "NZ": "Pacific/Auckland", "CL": "America/Santiago", "EC": "America/Guayaquil",
    "AR": "America/Argentina/Buenos_Aires", "MY": "Asia/Kuala_Lumpur", "UZ": "Asia/Tashkent",
}
# fmt: on


def _zone_tab() -> str:
    """tzdata's zone.tab: the Python package's copy, else the system's; empty when neither is there."""
    with contextlib.suppress(ModuleNotFoundError, FileNotFoundError):
        return (importlib.resources.files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8")
    for folder in TZPATH:
        with contextlib.suppress(OSError):
            return (Path(folder) / "zone.tab").read_text(encoding="utf-8")
    return ""


def _tables() -> tuple[dict[str, str], dict[str, str]]:
    zones_of: dict[str, list[str]] = {}
    country_of: dict[str, str] = {}
    for line in _zone_tab().splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 3:
            continue
        code, name = fields[0].strip(), fields[2].strip()
        zones_of.setdefault(code, []).append(name)
        country_of[name] = code
    single = {code: names[0] for code, names in zones_of.items() if len(names) == 1}
    country_of.update({name: code for code, name in _MAIN_ZONE.items()})
    return {**single, **_MAIN_ZONE}, country_of


COUNTRY_TZ, ZONE_COUNTRY = _tables()


def zone_key(name: str | None) -> str | None:
    """The tz database key a zone name gives ("Europe/Paris", " US/Pacific "), None for a name that is no zone."""
    try:
        return ZoneInfo(name.strip()).key if name and name.strip() else None
    except (ValueError, ZoneInfoNotFoundError):
        return None


def country_zone(country: str | None) -> str | None:
    """The IANA zone of naive local times in a country (ISO 3166-1 alpha-2), or None when it has several."""
    return COUNTRY_TZ.get((country or "").upper())


@lru_cache(maxsize=4096)
def geo_zone(latitude: float | None, longitude: float | None) -> str | None:
    """The IANA zone at a point, or None for no point or the open sea (tzfpy answers "Etc/GMT±N" there)."""
    if latitude is None or longitude is None:
        return None
    try:
        name = tzfpy.get_tz(float(longitude), float(latitude))
    except (TypeError, ValueError):
        return None
    return name if name and not name.startswith("Etc/") else None


def zone_country(zone: str | None) -> str | None:
    """The country (ISO 3166-1 alpha-2) a zone of the tz database belongs to, or None (UTC, Etc/…, unknown)."""
    return ZONE_COUNTRY.get(zone or "")


def as_of(text: str | None) -> datetime:
    """The instant an `--as-of` option names: a date is the start of that day in Brussels, a date and time
    without an offset is Brussels time; None is now. Raises VigieError with a one-line message."""
    if text is None or not text.strip():
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise VigieError(f"--as-of: {text!r} is not a date (expected e.g. 2027-03-01)") from None
    return value if value.tzinfo else value.replace(tzinfo=BRUSSELS)
