"""The shapes an OCDS document comes in, reduced to one compiled release per contracting process: release and
record packages (compiled, versioned, embedded or linked releases), bare and versioned releases; and the status a
compiled release implies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from vigie.core.errors import ParseError


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def unversion(value: Any, history: list[dict]) -> Any:
    """A versioned release as a plain one: each field's history [{releaseID, releaseDate, releaseTag, value}] is
    replaced by its last value; the (date, tag) pairs seen are collected into `history`."""
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and "releaseID" in v and "value" in v for v in value):
            for version in value:
                history.append({"date": version.get("releaseDate"), "tag": version.get("releaseTag") or []})
            return unversion(value[-1]["value"], history)
        return [unversion(v, history) for v in value]
    if isinstance(value, dict):
        return {k: unversion(v, history) for k, v in value.items()}
    return value


def is_versioned(release: Mapping[str, Any]) -> bool:
    tender = release.get("tender")
    return isinstance(release.get("initiationType"), list) or (
        isinstance(tender, dict) and isinstance(tender.get("title") or tender.get("id"), list)
    )


def merge(base: dict, update: Mapping[str, Any]) -> dict:
    """OCDS compilation, simplified: objects merge field by field, a null removes, arrays are replaced whole (the
    standard merges arrays of objects by id; replacing keeps the latest release's list, which is what we read)."""
    for key, value in update.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def compile(releases: list[dict]) -> dict:
    ordered = sorted(releases, key=lambda r: str(r.get("date") or ""))
    compiled: dict = {}
    for release in ordered:
        merge(compiled, release)
    return compiled


def summary(release: Mapping[str, Any]) -> dict:
    return {"date": release.get("date"), "tag": release.get("tag") or [], "url": release.get("url")}


def from_record(record: Mapping[str, Any]) -> tuple[dict, list[dict]]:
    releases = [r for r in record.get("releases") or [] if isinstance(r, dict)]
    history = [summary(r) for r in releases]
    if isinstance(record.get("compiledRelease"), dict):
        return record["compiledRelease"], history
    if isinstance(record.get("versionedRelease"), dict):
        versions: list[dict] = []
        release = unversion(record["versionedRelease"], versions)
        return release, history or versions
    embedded = [r for r in releases if set(r) - {"url", "date", "tag"}]
    if embedded:
        return compile(embedded), history
    # Linked releases only (url + date + tag): nothing to read but the ocid; the record is still yielded so
    # validation can quarantine it with its reason rather than lose it silently.
    return {"ocid": record.get("ocid")}, history


def processes(doc: Any, what: str) -> Iterator[tuple[str, dict, list[dict], str | None]]:
    """(shape, release, history, package uri) for each process of one JSON document; shape "single" marks a bare
    release that may continue on the next line."""
    if isinstance(doc, list):
        for entry in doc:
            yield from processes(entry, what)
        return
    if not isinstance(doc, dict):
        raise ParseError(f"{what}: not OCDS (expected a JSON object, got {type(doc).__name__})")
    uri = _text(doc.get("uri"))
    if isinstance(doc.get("records"), list):
        for record in doc["records"]:
            if isinstance(record, dict):
                release, history = from_record(record)
                yield "record", release, history, uri
        return
    # A record on its own; some publishers (Prozorro's samples) leave its ocid to the releases inside.
    if (
        isinstance(doc.get("compiledRelease"), dict)
        or isinstance(doc.get("versionedRelease"), dict)
        or ("ocid" in doc and isinstance(doc.get("releases"), list))
    ):
        release, history = from_record(doc)
        yield "record", release, history, uri
        return
    if isinstance(doc.get("releases"), list):
        by_ocid: dict[str, list[dict]] = {}
        for release in doc["releases"]:
            if isinstance(release, dict):
                by_ocid.setdefault(str(release.get("ocid") or release.get("id")), []).append(release)
        for releases in by_ocid.values():
            yield "package", compile(releases), [summary(r) for r in releases], uri
        return
    if "ocid" in doc:
        if is_versioned(doc):
            versions: list[dict] = []
            yield "record", unversion(doc, versions), versions, None
        else:
            yield "single", doc, [summary(doc)], None
        return
    raise ParseError(f"{what}: not OCDS (no releases, records or ocid)")


TENDER_STATUS = {
    "planning": "forthcoming",
    "planned": "forthcoming",
    "active": "open",
    "cancelled": "cancelled",
    "withdrawn": "cancelled",
    "unsuccessful": "closed",
}


# release tags (OCDS releaseTag codelist) -> what the latest one says of the process
_TAG_STATUS = {
    "planning": "forthcoming",
    "planningUpdate": "forthcoming",
    "tender": "open",
    "tenderAmendment": "open",
    "tenderUpdate": "open",
    "tenderCancellation": "cancelled",
    "award": "awarded",
    "awardUpdate": "awarded",
    "awardCancellation": "closed",
    "contract": "awarded",
    "contractUpdate": "awarded",
    "contractAmendment": "awarded",
    "implementation": "awarded",
    "implementationUpdate": "awarded",
    "contractTermination": "awarded",
}


def _signed(release: Mapping[str, Any]) -> bool:
    """A contract has been signed: it is in force (or was, and ended), or it carries its signature date."""
    return any(
        isinstance(c, dict) and (c.get("status") in ("active", "terminated") or _text(c.get("dateSigned")))
        for c in release.get("contracts") or []
    )


def _lots_left(release: Mapping[str, Any]) -> bool:
    """The tender still has something to compete: lots no award covers (an award of lot 1 while lot 2 is
    competed; awards that name no lot cover a tender of one lot, or none, only), or a dynamic purchasing system."""
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    lots = {str(lot.get("id")) for lot in tender.get("lots") or [] if isinstance(lot, dict)}
    covered = {
        str(lot)
        for a in release.get("awards") or []
        if isinstance(a, dict)
        for lot in a.get("relatedLots") or []
    }
    if (tender.get("techniques") or {}).get("hasDynamicPurchasingSystem") is True:
        return True  # a dynamic purchasing system stays open to new suppliers after its first contracts
    return bool(lots - covered) if covered else len(lots) > 1


def status(release: Mapping[str, Any], tags: list[str]) -> str | None:
    """The tender's own status, then what the awards and the latest release tag say. An award or contract with
    no open tender means the process is past competition: awarded, never open. Publishers leave the tender's
    status at "active" after the contract is signed (Mexico City's airport group, Nigeria's portal): a signed
    contract for all the tender's lots ends the competition whatever that status says."""
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    awarded = any(
        isinstance(a, dict) and a.get("status") in ("active", "pending") for a in release.get("awards") or []
    )
    awarded = awarded or bool(release.get("contracts"))
    status = str(tender.get("status") or "").lower()
    if TENDER_STATUS.get(status) in ("cancelled", "closed"):
        return TENDER_STATUS[status]
    if "tenderCancellation" in tags:
        return "cancelled"
    if status == "active" and _signed(release) and not _lots_left(release):
        return "awarded"
    if status == "complete" or (awarded and status != "active"):
        return "awarded" if awarded else "closed"
    from_tags = [_TAG_STATUS[t] for t in tags if t in _TAG_STATUS]
    if status != "active" and "awarded" in from_tags:
        return "awarded"
    if status in TENDER_STATUS:
        return TENDER_STATUS[status]
    return from_tags[-1] if from_tags else None
