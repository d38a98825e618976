"""Readers of a SEDIA search result's `metadata` (every value a list of strings; packed JSON in strings;
Brussels wall-clock times labelled +0000) and the field values derived from it: dates, budget, programme,
status, and the note that goes under the summary."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from vigie.core.timezone import BRUSSELS

STATUS_CODES = {"31094501": "forthcoming", "31094502": "open", "31094503": "closed"}


# Identifier prefix -> programme, for the organiser line (the `frameworkProgramme` field is an opaque number).
PROGRAMMES = {
    "HORIZON": "Horizon Europe",
    "CREA": "Creative Europe",
    "ERASMUS": "Erasmus+",
    "CERV": "Citizens, Equality, Rights and Values",
    "DIGITAL": "Digital Europe",
    "LIFE": "LIFE",
    "EU4H": "EU4Health",
    "SMP": "Single Market Programme",
    "CEF": "Connecting Europe Facility",
    "EMFAF": "European Maritime, Fisheries and Aquaculture Fund",
    "AGRIP": "Promotion of agricultural products",
    "I3": "Interregional Innovation Investments",
    "EDF": "European Defence Fund",
    "INNOVFUND": "Innovation Fund",
    "JUST": "Justice Programme",
    "AMIF": "Asylum, Migration and Integration Fund",
    "ISF": "Internal Security Fund",
    "BMVI": "Border Management and Visa Instrument",
    "UCPM": "Union Civil Protection Mechanism",
    "RFCS": "Research Fund for Coal and Steel",
    "EUAF": "Union Anti-Fraud Programme",
    "PPPA": "Pilot projects and preparatory actions",
    "SOCPL": "Social prerogatives and specific competencies",
    "ESF": "European Social Fund+",
    "EURATOM": "Euratom Research and Training Programme",
    "EUSPA": "EU Space Programme",
    "RENEWFM": "Renewable Energy Financing Mechanism",
    "IMREF": "Interregional Innovation Investments",
}


FRAMEWORK_PROGRAMMES = {"43108390": "Horizon Europe"}


_ACTION_START = re.compile(r'\{\s*"action"\s*:')


def values(metadata: Mapping[str, Any], key: str) -> list[str]:
    value = metadata.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    return [str(v).strip() for v in value if v is not None and str(v).strip()]


def first(metadata: Mapping[str, Any], key: str) -> str | None:
    found = values(metadata, key)
    return found[0] if found else None


def local_date(value: str) -> str | None:
    """A SEDIA timestamp as a Vigie date string. The index labels wall-clock Brussels times as +0000 (a topic closing
    "17:00:00 Brussels time" reads "17:00:00.000+0000"), so the offset is dropped and the time read as Brussels local;
    a bare midnight means the index only knows the day, so only the date is kept."""
    match = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}:\d{2}))?", value)
    if not match:
        return None
    day, clock = match.groups()
    if not clock or clock == "00:00:00":
        return day
    return f"{day}T{clock}"


def moment(value: str) -> datetime:
    """The instant a Vigie date string stands for (a date-only deadline ends at the end of that day)."""
    if "T" in value:
        return datetime.fromisoformat(value).replace(tzinfo=BRUSSELS)
    return datetime.combine(date.fromisoformat(value), time(23, 59, 59), BRUSSELS)


def packed(metadata: Mapping[str, Any], key: str) -> Any:
    raw = first(metadata, key)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return None


def budget(metadata: Mapping[str, Any], identifier: str) -> float | None:
    """Indicative budget of this topic: the yearly amounts of the budgetOverview actions that belong to it.

    The index sometimes cuts the packed string short; complete action objects are still read one by one."""
    raw = first(metadata, "budgetOverview")
    if not raw:
        return None
    actions: list[dict] = []
    try:
        overview = json.loads(raw)
        for entries in (overview.get("budgetTopicActionMap") or {}).values():
            actions += [e for e in entries if isinstance(e, dict)]
    except (json.JSONDecodeError, AttributeError):
        decoder = json.JSONDecoder()
        for match in _ACTION_START.finditer(raw):
            try:
                entry, _ = decoder.raw_decode(raw, match.start())
            except json.JSONDecodeError:
                continue
            actions.append(entry)
    total, found = 0.0, False
    for entry in actions:
        action = str(entry.get("action", ""))
        if action != identifier and not action.startswith(identifier + " "):
            continue
        for amount in (entry.get("budgetYearMap") or {}).values():
            try:
                total += float(amount)
                found = True
            except (TypeError, ValueError):
                continue
    return total if found else None


def programme(metadata: Mapping[str, Any], identifier: str) -> str | None:
    prefix = identifier.split("-", 1)[0].upper()
    if prefix in PROGRAMMES:
        return PROGRAMMES[prefix]
    return FRAMEWORK_PROGRAMMES.get(first(metadata, "frameworkProgramme") or "")


def status(code: str | None, opening: str | None, deadlines: list[str], now: datetime) -> str | None:
    """The status code, corrected by the dates: old index rows keep "forthcoming" long after the last cut-off."""
    current = STATUS_CODES.get(code or "")
    if current == "closed" or not deadlines:
        return current
    if all(moment(d) < now for d in deadlines):
        return "closed"
    if current in (None, "forthcoming") and opening and moment(opening) <= now:
        return "open"
    if current is None and opening and moment(opening) > now:
        return "forthcoming"
    return current


def note(
    opening: str | None,
    deadlines: list[str],
    model: str | None,
    call_id: str | None,
    call_title: str | None,
    budget: float | None,
) -> str:
    def shown(value: str) -> str:
        return value.replace("T", " ")[:16] + " (Brussels time)" if "T" in value else value

    parts = []
    if call_title == call_id:
        call_title = None
    if call_id or call_title:
        parts.append("Call: " + " – ".join(p for p in (call_id, call_title) if p) + ".")
    if opening:
        parts.append(f"Opening: {opening}.")
    if deadlines:
        label = "Deadline" if len(deadlines) == 1 else "Cut-off dates"
        parts.append(f"{label}{f' ({model})' if model else ''}: {', '.join(shown(d) for d in deadlines)}.")
    if budget:
        parts.append(f"Indicative budget: EUR {budget:,.0f}.")
    return "<p>" + " ".join(parts) + "</p>" if parts else ""
