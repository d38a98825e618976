"""The per-item stages of refine that fill an item's fields from its raw record: clean, identity, sectors, place,
status (texts and language: refine.texts; dates: refine.dates)."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from refine.clean import clean_cpv, clean_summary, clean_text
from refine.dates import Stored
from refine.identity import item_id, native_id_for
from refine.regions import tag_place
from refine.sectors import tag_sectors
from refine.status import TERMINAL, cancelled_in_title, compute_status, normalise_hint
from refine.titles import clean_title, derived_title


def clean_stage(record: dict[str, Any]) -> dict[str, Any]:
    # Most of these fields are None in most records: clean_text(None) is "", without the call.
    get = record.get
    flags = list(get("flags") or ())
    cpv, bad_cpv = clean_cpv(get("cpv"))
    if bad_cpv and "cpv_unreadable" not in flags:
        flags.append("cpv_unreadable")
    raw_budget = get("budget_amount")
    budget = _budget(raw_budget)
    if budget is None and raw_budget not in (None, "") and "budget_unreadable" not in flags:
        flags.append("budget_unreadable")
    raw = get("location")
    location = clean_text(raw) if raw is not None else ""
    if not location:
        postal_code, city = get("postal_code"), get("city")
        if postal_code is not None or city is not None:
            location = " ".join(p for p in (clean_text(postal_code), clean_text(city)) if p)
    raw = get("budget_currency")
    currency = (clean_text(raw).upper() or None) if raw is not None else None
    summary = clean_summary(get("summary"))
    url = (get("url") or "").strip() or None
    title = clean_title(get("title"))
    if not title:
        # A feed entry or calendar event may have no title: a member still wants it, named by its text.
        title = derived_title(summary, url)
        if title:
            flags.append("title_derived")
    return {
        "id": None,
        "kind": _kind(get("kind")),  # the declared kind: refine.kind decides
        "kind_reason": None,
        "source": get("source"),
        "native_id": None,
        "url": url,
        "title": title,
        "summary": summary,
        "language": None,
        "texts": {},
        "published_at": None,
        "deadline_at": None,
        "deadline_precision": None,
        "starts_at": None,
        "ends_at": None,
        "organiser": (clean_text(raw) or None) if (raw := get("organiser")) is not None else None,
        "country": None,
        "regions": [],
        "scope": None,
        "location": location or None,
        "cpv": cpv,
        "sectors": [],
        "status": None,
        "budget_amount": budget,
        "budget_currency": currency if budget is not None else None,
        "cluster_id": None,
        "flags": flags,
        "fit": None,
        "fit_reasons": [],
    }


@lru_cache(maxsize=16)
def _kind(value: object) -> str | None:
    return str(value).strip().lower() if value else None


def _budget(value: object) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        amount = float(value)
    else:
        text = str(value).replace("\u00a0", "").replace(" ", "").replace("€", "").replace("EUR", "")
        text = _decimal_point(text)
        try:
            amount = float(text)
        except ValueError:
            return None
    return amount if amount > 0 else None


_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")


def _decimal_point(text: str) -> str:
    """'250.000,00', '1,250,000.50', '250.000', '12,5' -> a float literal (the last separator is decimal,
    a lone separator followed by groups of three digits is a thousands separator)."""
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return text.replace(thousands, "").replace(decimal, ".")
    if _GROUPED.match(text):
        return text.replace(",", "").replace(".", "")
    return text.replace(",", ".")


def identity_stage(item: dict[str, Any], record: dict[str, Any]) -> None:
    source = str(record.get("source") or "").strip()
    native = native_id_for(record.get("native_id"), item["url"])
    item["source"] = source or None
    item["native_id"] = native or None
    item["id"] = item_id(source, native) if source and native else None


def sector_stage(item: dict[str, Any], record: dict[str, Any], text: str) -> None:
    item["sectors"] = list(
        tag_sectors(
            text,
            item["cpv"],
            list(record.get("sectors") or ()),
            title=item["title"] or "",
            kind=item["kind"],  # news needs more evidence; an event is read for its subject (sectors.toml)
            declared=record.get("categories") or None,  # the source's own classification (MusicEvent...)
        )
    )


def place_stage(item: dict[str, Any], record: dict[str, Any]) -> None:
    regions, scope, country = tag_place(record)
    item["regions"] = list(regions)
    item["scope"] = scope
    if country is None and record.get("country"):
        code = str(record["country"]).strip().upper()
        country = code if len(code) == 2 and code.isalpha() else None
    item["country"] = country


def status_stage(item: dict[str, Any], record: dict[str, Any], now: datetime, dates: Stored) -> None:
    """`dates`: what normalise_dates returned for this item (its fields read back), so they are not parsed
    again from the ISO text just written."""
    published, deadline, starts, ends = dates
    hint = record.get("status")
    if item["kind"] == "event" and normalise_hint(hint) not in TERMINAL and cancelled_in_title(item["title"]):
        hint = "cancelled"  # "Concert annulé : …", "Board Meeting – CANCELLED": the organiser's own word
    item["status"] = compute_status(
        item["kind"] or "",
        hint,
        now,
        published=published,
        deadline=deadline,
        starts=starts,
        ends=ends,
        # a deadline the source stated but refine set aside (2099) is no sign that the notice is old news
        deadline_set_aside="deadline_implausible" in item["flags"],
        flags=item["flags"],
    )
