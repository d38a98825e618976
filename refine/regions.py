"""Region, scope and country of an opportunity, from NUTS codes, postal codes, city names and the buyer.

All the knowledge (postal ranges, city names, organiser patterns, buyer type codes) is data in
config/regions.toml; this module only applies it, in the order that file's header explains.
Compiled once per process; organiser names repeat a lot across items, so their verdicts are cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from vigie.core.config import compiled_once, load_toml
from vigie.core.errors import RegionsConfigError
from vigie.core.text import fold

SCOPES = ("local", "regional", "community", "federal", "european", "international")
BELGIAN_REGIONS = ("BE-BRU", "BE-VLG", "BE-WAL")
_BELGIAN = frozenset(BELGIAN_REGIONS)
# NUTS uses EU country codes where ISO 3166 differs; eForms gives ISO alpha-3 codes.
_COUNTRY_FIX = {
    "EL": "GR", "UK": "GB", "BEL": "BE", "FRA": "FR", "NLD": "NL", "LUX": "LU", "DEU": "DE", "AUT": "AT",
    "ITA": "IT", "ESP": "ES", "PRT": "PT", "IRL": "IE", "DNK": "DK", "SWE": "SE", "FIN": "FI", "EST": "EE",
    "LVA": "LV", "LTU": "LT", "POL": "PL", "CZE": "CZ", "SVK": "SK", "SVN": "SI", "HRV": "HR", "HUN": "HU",
    "ROU": "RO", "BGR": "BG", "GRC": "GR", "CYP": "CY", "MLT": "MT", "CHE": "CH", "NOR": "NO", "ISL": "IS",
    "GBR": "GB", "USA": "US",
}  # fmt: skip
_POSTAL_PREFIX = re.compile(r"^(?:BE?)\s*-?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class _Rule:
    scope: str
    regions: tuple[str, ...]
    folded: re.Pattern[str] | None  # case/accent-insensitive phrases, matched on folded text
    acronyms: re.Pattern[str] | None  # all-capitals patterns, matched case-sensitively on the original


@dataclass(frozen=True)
class _Places:
    nuts: tuple[tuple[str, str], ...]
    postal: tuple[tuple[int, int, str], ...]
    city_regions: dict[str, str]  # folded name -> region, for free text and the city field
    field_only: dict[str, str]  # folded name -> region, for the city field only
    city_pattern: re.Pattern[str]
    rules: tuple[_Rule, ...]
    types: dict[str, str]  # buyer type code (lower case) -> scope


def _phrase(pattern: str) -> str:
    # "European ... Agency": any words in between; otherwise the literal phrase.
    return r"(?<!\w)" + r"\b.*?\b".join(re.escape(p.strip()) for p in pattern.split("...")) + r"(?!\w)"


def _alternation(phrases: list[str]) -> str:
    # Longest first so "Sint-Gillis-Waas" wins over "Sint-Gillis".
    return "|".join(sorted(phrases, key=len, reverse=True))


def _load(path: Path) -> _Places:
    data = load_toml(path, RegionsConfigError, "file not found (the region rules live there)")

    def region(value: object, where: str) -> str:
        if value not in BELGIAN_REGIONS:
            raise RegionsConfigError(
                f"{path}: {where}: region {value!r} is not one of {', '.join(BELGIAN_REGIONS)}"
            )
        return str(value)

    nuts = tuple(
        (str(prefix).upper(), region(r, f"[nuts] {prefix}")) for prefix, r in data.get("nuts", {}).items()
    )
    postal = []
    for n, entry in enumerate(data.get("postal", []), 1):
        try:
            low, high = int(entry["from"]), int(entry["to"])
        except (KeyError, TypeError, ValueError):
            raise RegionsConfigError(f"{path}: [[postal]] #{n} needs whole numbers 'from' and 'to'") from None
        postal.append((low, high, region(entry.get("region"), f"[[postal]] #{n}")))

    city_regions: dict[str, str] = {}
    for reg, names in data.get("cities", {}).items():
        reg = region(reg, "[cities]")
        for name in names:
            city_regions[fold(name)] = reg
    field_only = {
        fold(n): region(r, f"[city_field_only] {n}") for n, r in data.get("city_field_only", {}).items()
    }
    # Hyphens count as part of a name: "Bruxelles" must not match inside "Fédération Wallonie-Bruxelles".
    city_pattern = re.compile(
        r"(?<![\w-])(" + _alternation([re.escape(n) for n in city_regions]) + r")(?![\w-])"
    )

    rules = []
    for n, entry in enumerate(data.get("organiser", []), 1):
        scope = entry.get("scope")
        if scope not in SCOPES:
            raise RegionsConfigError(
                f"{path}: [[organiser]] #{n}: scope {scope!r} is not one of {', '.join(SCOPES)}"
            )
        patterns = entry.get("patterns") or []
        if not patterns or not all(isinstance(p, str) and p.strip() for p in patterns):
            raise RegionsConfigError(
                f"{path}: [[organiser]] #{n} ({scope}) needs a non-empty list of text patterns"
            )
        acronyms = [_phrase(p) for p in patterns if p.isupper()]
        folded = [_phrase(fold(p)) for p in patterns if not p.isupper()]
        rules.append(
            _Rule(
                scope=scope,
                regions=tuple(region(r, f"[[organiser]] #{n}") for r in entry.get("regions", [])),
                folded=re.compile(_alternation(folded)) if folded else None,
                acronyms=re.compile(_alternation(acronyms)) if acronyms else None,
            )
        )
    types = {}
    for code, scope in data.get("organiser_types", {}).items():
        if scope not in SCOPES:
            raise RegionsConfigError(
                f"{path}: [organiser_types] {code}: scope {scope!r} is not one of {', '.join(SCOPES)}"
            )
        types[str(code).lower()] = scope
    return _Places(tuple(nuts), tuple(postal), city_regions, field_only, city_pattern, tuple(rules), types)


# The compiled rules of config/regions.toml (compiled once; pass `path` to compile another file).
places = compiled_once("regions.toml", _load)


def region_of_nuts(code: str, rules: _Places | None = None) -> str | None:
    code = code.strip().upper()
    for prefix, reg in (rules or places()).nuts:
        if code.startswith(prefix):
            return reg
    return None


def region_of_postal_code(value: object, rules: _Places | None = None) -> str | None:
    """Region of a Belgian postal code ("1050", "B-4000", 8500); None when it is not a four-digit code."""
    text = _POSTAL_PREFIX.sub("", str(value).strip())
    if len(text) != 4 or not text.isdigit():
        return None
    number = int(text)
    for low, high, reg in (rules or places()).postal:
        if low <= number <= high:
            return reg
    return None


def regions_in_text(text: str, rules: _Places | None = None) -> set[str]:
    """Regions of every known city name in free text."""
    rules = rules or places()
    return {rules.city_regions[m] for m in rules.city_pattern.findall(fold(text))}


@lru_cache(maxsize=8192)
def _organiser_verdict(name: str) -> tuple[str | None, tuple[str, ...]]:
    rules = places()
    folded = fold(name)
    for rule in rules.rules:
        if (rule.folded and rule.folded.search(folded)) or (rule.acronyms and rule.acronyms.search(name)):
            return rule.scope, rule.regions
    # A bare commune name as buyer ("Boutersem", as BOSA gives it) is the commune itself.
    bare = folded.strip()
    if bare in rules.city_regions or bare in rules.field_only:
        return "local", (rules.city_regions.get(bare) or rules.field_only[bare],)
    return None, ()


def _country(value: object) -> str | None:
    if not value:
        return None
    code = str(value).strip().upper()
    code = _COUNTRY_FIX.get(code, code)
    return code if len(code) == 2 and code.isalpha() else None


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v]


# Every field tag_place reads, single values first then lists: its verdict is cached on their values, since
# sources repeat the same buyers and venues across notices.
_SINGLE_FIELDS = ("country", "postal_code", "city", "location", "organiser", "organiser_type", "scope")
_PLACE_FIELDS = (*_SINGLE_FIELDS, "nuts", "regions")
_SINGLE_TYPES = frozenset({str, int, type(None)})  # not bool, nor float
_Key = tuple[str | int | tuple[str, ...] | None, ...]


def tag_place(raw: dict[str, Any]) -> tuple[list[str], str | None, str | None]:
    """(regions, scope, country) of a raw record; see config/regions.toml for the order of evidence."""
    key = _place_key(raw)
    if key is None:  # a value of another type: read as it is, uncached
        regions, scope, country = _tag_place(raw)
    else:
        regions, scope, country = _cached_place(key)
    return list(regions), scope, country


def _place_key(raw: dict[str, Any]) -> _Key | None:
    """The values tag_place reads, or None when one is of a type whose equal values may read differently (True
    and 1, 1.0 and 1 are equal keys but not the same text)."""
    single = tuple(map(raw.get, _SINGLE_FIELDS))
    if not _SINGLE_TYPES.issuperset(map(type, single)):
        return None
    # tag_place reads lists only through _as_list: its texts are the whole of what they say
    nuts, regions = raw.get("nuts"), raw.get("regions")
    return (*single, tuple(_as_list(nuts)) if nuts else (), tuple(_as_list(regions)) if regions else ())


@lru_cache(maxsize=16384)
def _cached_place(key: _Key) -> tuple[tuple[str, ...], str | None, str | None]:
    # From the key alone: the verdict cannot depend on anything the key does not hold.
    return _tag_place(dict(zip(_PLACE_FIELDS, key, strict=True)))


def _tag_place(raw: dict[str, Any]) -> tuple[tuple[str, ...], str | None, str | None]:
    rules = places()
    country = _country(raw.get("country"))
    regions: set[str] = set()
    for code in _as_list(raw.get("nuts")):
        nuts_country = _country(code[:2])
        if nuts_country == "BE":
            reg = region_of_nuts(code, rules)
            if reg:
                regions.add(reg)
        country = country or nuts_country
    belgian_context = country in (None, "BE")
    if belgian_context and raw.get("postal_code"):
        reg = region_of_postal_code(raw["postal_code"], rules)
        if reg:
            regions.add(reg)
    if belgian_context and raw.get("city"):
        city = fold(str(raw["city"])).strip()
        reg = rules.city_regions.get(city) or rules.field_only.get(city)
        regions.update([reg] if reg else regions_in_text(str(raw["city"]), rules))
    if belgian_context and raw.get("location"):
        regions |= regions_in_text(str(raw["location"]), rules)

    organiser = str(raw.get("organiser") or "").strip()
    scope, organiser_regions = _organiser_verdict(organiser) if organiser else (None, ())
    # The regional, community and federal patterns name Belgian bodies; "City of", "Gemeinde" or a buyer-type
    # code say only how local a buyer is, not in which country ("City of Detroit" is not Belgian).
    belgian_body = scope in ("regional", "community", "federal")
    organiser_type = str(raw.get("organiser_type") or "").strip()
    if scope is None and organiser_type:
        scope = rules.types.get(organiser_type.lower())
        if scope is None:
            scope, organiser_regions = _organiser_verdict(organiser_type)
    if not regions and belgian_context and scope not in ("european", "international"):
        regions.update(organiser_regions)
        if organiser:
            regions |= regions_in_text(organiser, rules)
    if not regions:
        regions.update(r for r in _as_list(raw.get("regions")) if r)
    if scope is None and raw.get("scope") in SCOPES:
        scope = raw["scope"]

    if country is None and (regions & _BELGIAN or belgian_body):
        country = "BE"
    if country and country != "BE" and scope != "european":
        scope = "international"
    return tuple(sorted(regions)), scope, country
