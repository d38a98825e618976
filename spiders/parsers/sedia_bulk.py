"""The EU Funding & Tenders portal's bulk export (`referenceData/grantsTenders.json`, ~120 MB, every topic and
tender of every programme), `{"fundingData": {"GrantTenderObj": [...]}}`: many tools read it because the search
API often answers 500. Each object is written here as a row of the search API (`metadata` of string lists), so the
one reading of sedia.py serves both shapes.

How the export differs from the search API: dates are epoch milliseconds (`deadlineDatesLong`,
`plannedOpeningDateLong`, `publicationDateLong`), status and programme are objects (`{"id": 31094502,
"abbreviation": "Open"}`), values are plain (not lists), and a tender's type is "0" where the search API says "2".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

_STATUS_WORDS = {"forthcoming": "31094501", "open": "31094502", "closed": "31094503"}
# Fields copied as they are (a list stays a list), under the search API's name.
_PLAIN = ("identifier", "title", "callIdentifier", "callTitle", "deadlineModel", "cftId", "url", "language")


def is_bulk(doc: Any) -> bool:
    return isinstance(doc, Mapping) and isinstance(doc.get("fundingData"), Mapping)


def _iso(millis: Any) -> str | None:
    # The export writes the day of a cut-off as midnight UTC: as the search API's "+0000" wall-clock times, the
    # instant is read back as Brussels local time by sedia_metadata.local_date.
    if isinstance(millis, bool) or not isinstance(millis, int | float):
        return None
    try:
        return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    except (OverflowError, OSError, ValueError):
        return None


def _code(value: Any, words: Mapping[str, str] | None = None) -> str | None:
    """The id of a `{"id", "abbreviation"}` object (or of a bare value), else what its abbreviation means."""
    if isinstance(value, Mapping):
        if value.get("id") not in (None, ""):
            return str(value["id"])
        value = value.get("abbreviation")
    if value in (None, ""):
        return None
    return (words or {}).get(str(value).strip().lower(), str(value))


def _values(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if v not in (None, "") and not isinstance(v, Mapping | list)]


def _row(obj: Mapping[str, Any]) -> dict[str, Any]:
    metadata: dict[str, list[str]] = {name: _values(obj.get(name)) for name in _PLAIN}
    type_code = _code(obj.get("type"))
    metadata["type"] = ["2" if type_code == "0" else type_code] if type_code else []
    status = _code(obj.get("status"), _STATUS_WORDS)
    metadata["status"] = [status] if status else []
    programme = _code(obj.get("frameworkProgramme"))
    metadata["frameworkProgramme"] = [programme] if programme else []
    deadlines = obj.get("deadlineDatesLong")
    metadata["deadlineDate"] = [
        d for d in map(_iso, deadlines if isinstance(deadlines, list) else [deadlines]) if d
    ]
    opening = _iso(obj.get("plannedOpeningDateLong")) or _iso(obj.get("publicationDateLong"))
    metadata["startDate"] = [opening] if opening else []
    return {"reference": metadata["identifier"][0] if metadata["identifier"] else None, "metadata": metadata}


def rows(doc: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The export's objects as search API rows (objects that are not mappings are skipped)."""
    objects = doc["fundingData"].get("GrantTenderObj")
    for obj in objects if isinstance(objects, list) else []:
        if isinstance(obj, Mapping):
            yield _row(obj)
