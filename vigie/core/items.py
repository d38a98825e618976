"""The one item schema (SPEC §3), used by every stage: parsers fill a *raw record*, refine turns it into an *item*.

Both are plain dicts (fast to build, to serialise to JSON Lines and to hand to Arrow). This module says which
keys exist, what they hold, and checks them.

Raw record (what a family parser yields; also what is kept in raw/<run>/<source>.jsonl):
    source, family, kind, native_id, url, title, summary, language, texts, published_at, deadline_at, cutoffs,
    starts_at, ends_at, timezone, organiser, organiser_type, location, postal_code, city, country, latitude, longitude, nuts,
    cpv, status, notice_type, budget_amount, budget_currency, sectors, regions, scope, raw_ref
  - texts: {lang: {"title": str, "summary": str}} for every language the source gives
  - cutoffs: every cut-off date of a call with several (EU Funding & Tenders topics), in the deadline_at format;
    refine keeps them all, sorted, and makes the next one after the run's `now` the deadline
  - dates: ISO 8601 strings; "YYYY-MM-DD" for a date only; a naive "YYYY-MM-DDTHH:MM:SS" is local time in
    `timezone` (default Europe/Brussels); an offset-aware string is kept as such
  - summary may still hold markup or entities: cleaning is refine's job
  - cpv may carry check digits ("45000000-7"); nuts are NUTS codes ("BE100"); status is the source's hint
  - sectors/regions/scope are the source's defaults from the registry, refine adds its own tags
  - kind is the source's declared kind (registry, parser, `--kind`): only a prior, refine.kind gives the kind
  - what a notice says about who can bid, for refine.fit: lots (number of lots), lot_values (estimated value of
    each lot, in budget_currency), sme_suitable (True/False, eForms BT-726), procedure (eForms/R2 procedure
    code: open, restricted, neg-w-call, comp-dial...), duration_months, framework (True for a framework
    agreement), reserved (text: a contract reserved to sheltered workshops, social enterprises...)
  - place: records of the `places` family only (open-data files of venues): {"row": n, "format", "values":
    {field: value as the row wrote it}}, checked by refine.places_rows; such records never become items
Item (what refine yields, `vigie parse` prints and `opportunities` stores): ITEM_FIELDS below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

# news: an article or announcement, kept and queryable but never pushed as an opportunity (refine.kind)
KINDS = ("tender", "call", "event", "news")
FITS = ("good", "possible", "unlikely")
STATUSES = ("forthcoming", "open", "closed", "cancelled", "awarded")
SCOPES = ("local", "regional", "community", "federal", "european", "international")
DEADLINE_PRECISIONS = ("datetime", "date")

# field -> (python type(s), required)
ITEM_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "id": ((str,), True),
    "kind": ((str,), True),
    "kind_reason": ((str,), False),
    "source": ((str,), True),
    "native_id": ((str,), True),
    "url": ((str,), False),
    "title": ((str,), True),
    "summary": ((str,), False),
    "language": ((str,), False),
    "texts": ((dict,), True),
    "published_at": ((str,), False),
    "deadline_at": ((str,), False),
    "deadline_precision": ((str,), False),
    "starts_at": ((str,), False),
    "ends_at": ((str,), False),
    "organiser": ((str,), False),
    "country": ((str,), False),
    "regions": ((list,), True),
    "scope": ((str,), False),
    "location": ((str,), False),
    "cpv": ((list,), True),
    "sectors": ((list,), True),
    "status": ((str,), False),
    "budget_amount": ((float, int), False),
    "budget_currency": ((str,), False),
    "cluster_id": ((str,), False),
    "flags": ((list,), True),
    "fit": ((str,), False),
    "fit_reasons": ((list,), False),  # not required: items stored before refine.fit have none
    # every cut-off date, ISO 8601 with offset, in order; not required: items stored before 0004 have none
    "cutoffs": ((list,), False),
}

RAW_FIELDS = (
    "source",
    "family",
    "kind",
    "native_id",
    "url",
    "title",
    "summary",
    "language",
    "texts",
    "published_at",
    "deadline_at",
    "cutoffs",
    "starts_at",
    "ends_at",
    "timezone",
    "organiser",
    "organiser_type",
    "location",
    "postal_code",
    "city",
    "country",
    "latitude",
    "longitude",
    "nuts",
    "cpv",
    "status",
    "notice_type",
    "budget_amount",
    "budget_currency",
    "lots",
    "lot_values",
    "sme_suitable",
    "procedure",
    "duration_months",
    "framework",
    "reserved",
    "place",
    "sectors",
    # the source's own classification of the item, as it names it (a schema.org event type, UiTdatabank's event
    # type and themes, iCalendar CATEGORIES): refine.sectors maps the names sectors.toml `declared` lists
    "categories",
    "regions",
    "scope",
    "flags",
    "raw_ref",
)

_DATE_FIELDS = ("published_at", "deadline_at", "starts_at", "ends_at")
_LANG = re.compile(r"^[a-z]{2}$")
_CPV = re.compile(r"^\d{8}$")
_REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


def new_raw(source: str, family: str, **fields: Any) -> dict[str, Any]:
    """A raw record with every key present, so downstream code never needs `.get` defaults."""
    record: dict[str, Any] = dict.fromkeys(RAW_FIELDS)
    record.update(texts={}, nuts=[], cpv=[], sectors=[], categories=[], regions=[])
    record.update(source=source, family=family)
    unknown = set(fields) - set(RAW_FIELDS)
    if unknown:
        raise KeyError(f"unknown raw record fields: {sorted(unknown)}")
    record.update(fields)
    return record


# (name, exact types, the types isinstance() accepts, required): the common case, a value of exactly one of
# the listed types, is one set lookup; anything else (a subclass, a bool) takes the isinstance() test.
_CHECKS = tuple((name, frozenset(types), types, required) for name, (types, required) in ITEM_FIELDS.items())
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_fromisoformat = datetime.fromisoformat
# Refine builds every item alike, so the types of an item's fields take few shapes: a shape already seen to pass
# the type checks (_remember_shape) passes them again, tested with one C-level read of the fields and one set lookup.
_read_fields = itemgetter(*ITEM_FIELDS)
_REQUIRED_TEXT = tuple(
    i for i, (types, required) in enumerate(ITEM_FIELDS.values()) if required and str in types
)
_read_required_text = itemgetter(*_REQUIRED_TEXT)
_PLAIN_SHAPES: set[tuple[type, ...]] = set()
_PLAIN_SHAPES_MAX = 4096


def validate_item(item: dict[str, Any]) -> list[str]:
    """Every reason this item breaks the schema; an empty list means it is valid."""
    get = item.get
    try:
        values = _read_fields(item)
    except KeyError:  # a field absent: the full checks say which
        values = ()
    if not values or tuple(map(type, values)) not in _PLAIN_SHAPES or "" in _read_required_text(values):
        errors = _type_errors(item)
        if errors:
            return errors
        if values:
            _remember_shape(tuple(map(type, values)))
    errors = []
    if item["kind"] not in KINDS:
        errors.append(f"kind {item['kind']!r} is not one of {', '.join(KINDS)}")
    fit, status, scope = get("fit"), get("status"), get("scope")
    if fit and fit not in FITS:
        errors.append(f"fit {fit!r} is not one of {', '.join(FITS)}")
    if status and status not in STATUSES:
        errors.append(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if scope and scope not in SCOPES:
        errors.append(f"scope {scope!r} is not one of {', '.join(SCOPES)}")
    precision, language, country = get("deadline_precision"), get("language"), get("country")
    if precision and precision not in DEADLINE_PRECISIONS:
        errors.append(f"deadline_precision {precision!r} is not datetime/date")
    if language and not _is_language(language):
        errors.append(f"language {language!r} is not ISO 639-1")
    if country and not _is_country(country):
        errors.append(f"country {country!r} is not ISO 3166-1 alpha-2")
    if not item["id"].startswith(f"{item['source']}:"):
        errors.append(f"id {item['id']!r} does not start with its source")
    if item["cpv"]:
        errors += [f"cpv {c!r} is not 8 digits" for c in item["cpv"] if not _CPV.match(str(c))]
    if item["regions"]:
        errors += [f"region {r!r} is not ISO 3166-2" for r in item["regions"] if not _REGION.match(str(r))]
    dated = [(name, value) for name in _DATE_FIELDS if (value := get(name))]
    if get("cutoffs"):
        dated += [("cutoffs", cutoff) for cutoff in item["cutoffs"] if cutoff]
    for name, value in dated:
        try:
            parsed = _fromisoformat(value)
        except (TypeError, ValueError):
            errors.append(f"{name} {value!r} is not ISO 8601")
            continue
        if parsed.tzinfo is None:
            errors.append(f"{name} {value!r} has no UTC offset")
    if item["kind"] == "event" and not get("starts_at"):
        errors.append("an event needs starts_at")
    for lang, text in item["texts"].items():
        if not _is_language(lang) or not isinstance(text, dict):
            errors.append(f"texts[{lang!r}] should be a language code mapping to {{title, summary}}")
    return errors


# A cached answer is cheaper than the regex; items repeat a few dozen codes.
@lru_cache(maxsize=1024)
def _is_language(code: str) -> bool:
    return _LANG.match(code) is not None


@lru_cache(maxsize=1024)
def _is_country(code: str) -> bool:
    return _COUNTRY.match(code) is not None


def _type_errors(item: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    get = item.get
    for name, exact, types, required in _CHECKS:
        value = get(name)
        if value is None:
            if required:
                errors.append(f"{name} is missing")
            continue
        if type(value) in exact:
            if required and value == "":
                errors.append(f"{name} is missing")
            continue
        if value == "":
            if required:
                errors.append(f"{name} is missing")
            continue
        if not isinstance(value, types) or isinstance(value, bool):
            errors.append(
                f"{name} should be {'/'.join(t.__name__ for t in types)}, got {type(value).__name__}"
            )
    return errors


def _remember_shape(shape: tuple[type, ...]) -> None:
    """Only shapes of exact types: a subclass's value (a str whose == is its own) is checked every time."""
    for kind, (_, exact, _, required) in zip(shape, _CHECKS, strict=True):
        if kind not in exact and (required or kind is not type(None)):
            return
    if len(_PLAIN_SHAPES) >= _PLAIN_SHAPES_MAX:
        _PLAIN_SHAPES.clear()
    _PLAIN_SHAPES.add(shape)


@dataclass
class RecordBatch:
    """The raw records of one response, handed from spider to pipeline as one Scrapy item: a calendar of 200
    events would otherwise pay Scrapy's per-item signals and middleware 200 times."""

    records: list[dict[str, Any]]

    def __len__(self) -> int:
        return len(self.records)
