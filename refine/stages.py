"""The per-item stages of refine that fill an item's fields from its raw record: clean, identity, sectors, place,
status (texts and language: refine.texts; dates: refine.dates)."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from refine.clean import clean_cpv, clean_summary, clean_text
from refine.identity import item_id, native_id_for
from refine.regions import tag_place
from refine.sectors import tag_sectors
from refine.status import compute_status
from refine.timestamps import parse_structured
from refine.titles import clean_title, derived_title


def clean_stage(record: dict[str, Any]) -> dict[str, Any]:
    flags = list(record.get("flags") or ())
    cpv, bad_cpv = clean_cpv(record.get("cpv"))
    if bad_cpv and "cpv_unreadable" not in flags:
        flags.append("cpv_unreadable")
    budget = _budget(record.get("budget_amount"))
    if budget is None and record.get("budget_amount") not in (None, "") and "budget_unreadable" not in flags:
        flags.append("budget_unreadable")
    location = clean_text(record.get("location"))
    if not location:
        location = " ".join(
            p for p in (clean_text(record.get("postal_code")), clean_text(record.get("city"))) if p
        )
    currency = clean_text(record.get("budget_currency")).upper() or None
    summary = clean_summary(record.get("summary"))
    url = (record.get("url") or "").strip() or None
    title = clean_title(record.get("title"))
    if not title:
        # A feed entry or calendar event may have no title: a member still wants it, named by its text.
        title = derived_title(summary, url)
        if title:
            flags.append("title_derived")
    return {
        "id": None,
        "kind": _kind(record.get("kind")),  # the declared kind: refine.kind decides
        "kind_reason": None,
        "source": record.get("source"),
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
        "organiser": clean_text(record.get("organiser")) or None,
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
            news=item["kind"] == "news",
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


def status_stage(item: dict[str, Any], record: dict[str, Any], now: datetime) -> None:
    item["status"] = compute_status(
        item["kind"] or "",
        record.get("status"),
        now,
        published=_when(item["published_at"]),
        deadline=_when(item["deadline_at"]),
        starts=_when(item["starts_at"]),
        ends=_when(item["ends_at"]),
    )


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = parse_structured(value, None, False)
    return parsed[0] if parsed else None
