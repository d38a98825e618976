"""Open Contracting Data Standard (OCDS 1.0/1.1): release packages, record packages (compiled, versioned, embedded
or linked releases), single releases (plain, compiled or versioned), JSON Lines of any of these, and files in a
legacy 8-bit encoding.

One raw record per contracting process, identified by its `ocid`. Release ids are only unique inside one ocid,
and a process is published as a series of releases (planning, tender, award...), so the releases of one ocid are
compiled (later releases override earlier fields) before mapping: the item then carries the process's latest
status. In a package all releases of an ocid are compiled together; in JSON Lines, consecutive lines of the same
ocid are (publishers write them grouped), which keeps memory to one process at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from spiders.parsers import _json, ocds_releases
from spiders.parsers._text import title_from, worded
from spiders.parsers.notice_terms import ocds_terms
from spiders.parsers.ocds_fields import country, localized, parties
from spiders.parsers.ocds_fields import name as _name
from spiders.parsers.ocds_fields import text as _text
from vigie.core.items import new_raw
from vigie.core.languages import normalise_lang
from vigie.core.text import fold

FAMILY = "ocds"


_CPV = re.compile(r"^(\d{8})(?:-\d)?$")


# Fields of the OCDS release schema no other family's JSON has: a bare release whose `ocid` comes after the
# sniffed head (Mexico's federal administration writes it last, after kilobytes of contracts) still has these;
# claims() then asks for the ocid further on.
_RELEASE_KEYS = ('"initiationType"', '"tenderPeriod"', '"awardID"', '"procuringEntity"', '"buyer"')


def _sniffed(text: str) -> bool:
    if '"ocid"' in text or '"compiledRelease"' in text or '"versionedRelease"' in text:
        return True
    # A package header (long `extensions` lists can push the first ocid past the sniffed head).
    in_package = any(key in text for key in ('"releases"', '"records"', '"extensions"'))
    return in_package and ('"publishedDate"' in text or '"publisher"' in text)


def sniff(head: bytes, filename: str) -> bool:
    if not _json.starts_like_json(head):
        return False
    text = _json.head_text(head)
    if _sniffed(text) or any(key in text for key in _RELEASE_KEYS):
        return True
    # a release that opens on its contracts or awards (an ocid and a tag still to come)
    return '"tender"' in text and any(key in text for key in ('"contracts"', '"awards"', '"planning"'))


def claims(body: bytes) -> bool:
    """A head that only has release fields is OCDS if an `ocid` comes later: every release has one. The body is
    searched as bytes (not decoded whole) unless it is UTF-16 or UTF-32."""
    if _sniffed(_json.head_text(body[:4096])):
        return True
    encoding, _ = _json.detect_encoding(body[:4])
    if encoding.startswith(("utf-16", "utf-32")):
        return '"ocid"' in _json.head_text(body)
    return b'"ocid"' in body


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """Language name -> ISO 639-1, from babel's CLDR data: early publishers (Canada's buyandsell) wrote "English"
    where the standard asks for a code, and the first two letters of a name are no code ("Spanish")."""
    from babel import Locale

    names: dict[str, str] = {}
    for locale in ("en", "es", "fr", "pt"):
        for code, name in Locale.parse(locale).languages.items():
            if len(code) == 2:
                names.setdefault(fold(name), code)
    return names


def _language(release: Mapping[str, Any], options: Mapping[str, Any]) -> str | None:
    """The release's language; a code that is no language (Moldova's "md", its country) is none: refine detects."""
    raw = _text(release.get("language")) or _text(options.get("language"))
    code = (normalise_lang(raw) or _language_names().get(fold(raw))) if raw else None
    return code if code in _language_names().values() else None


def _cpv(release: Mapping[str, Any]) -> list[str]:
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    classifications: list[Any] = [tender.get("classification")]
    for item in tender.get("items") or []:
        if isinstance(item, dict):
            classifications += [item.get("classification"), *(item.get("additionalClassifications") or [])]
    codes: list[str] = []
    for entry in classifications:
        if not isinstance(entry, dict) or str(entry.get("scheme") or "").upper() != "CPV":
            continue
        match = _CPV.match(str(entry.get("id") or "").strip())
        if match and match.group(1) not in codes:
            codes.append(match.group(1))
    return codes


def _money(value: Any) -> tuple[float | None, str | None]:
    amount = value.get("amount") if isinstance(value, dict) else None
    # Publishers fill 0 when they do not know the amount.
    if isinstance(amount, int | float) and not isinstance(amount, bool) and amount > 0:
        return float(amount), _text(value.get("currency"))
    return None, None


def _budget(release: Mapping[str, Any]) -> tuple[float | None, str | None]:
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    amount, currency = _money(tender.get("value"))
    if amount is None:
        planning = release.get("planning") if isinstance(release.get("planning"), dict) else {}
        budget = planning.get("budget") if isinstance(planning.get("budget"), dict) else {}
        amount, currency = _money(budget.get("amount"))
    return amount, currency


def _published(release: Mapping[str, Any], history: list[dict]) -> str | None:
    """When the opportunity first appeared: the tender's own date, else the first release tagged tender, else the
    first release at all, else the (compiled) release's date."""
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    if _text(tender.get("datePublished")):
        return tender["datePublished"].strip()
    # a compiled release's own date is that of its last change, not of publication
    dated = sorted(
        (h for h in history if _text(h.get("date")) and "compiled" not in (h.get("tag") or [])),
        key=lambda h: h["date"],
    )
    for entry in dated:
        if "tender" in (entry.get("tag") or []):
            return entry["date"].strip()
    if dated:
        return dated[0]["date"].strip()
    # the tender period opens at publication
    period = tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
    return _text(period.get("startDate")) or _text(release.get("date"))


def _page(release: Mapping[str, Any], history: list[dict], package_uri: str | None, url: str) -> str | None:
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    for document in tender.get("documents") or []:
        if (
            isinstance(document, dict)
            and document.get("documentType") == "tenderNotice"
            and _text(document.get("url"))
        ):
            return document["url"].strip()
    candidates = [tender.get("url"), *(h.get("url") for h in reversed(history)), package_uri, url]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.startswith(("http://", "https://")):
            return candidate
    return None


def _first_of(release: Mapping[str, Any], section: str, field: str, lang: str | None = None) -> str | None:
    """The first entry's field that says something: a contract titled "." (Mexico's federal administration)
    has no title, and the next entry or source is read instead."""
    for entry in release.get(section) or []:
        if worded(found := localized(entry, field, lang)):
            return found
    return None


def _first_item(release: Mapping[str, Any], section: str, lang: str | None = None) -> str | None:
    for entry in release.get(section) or []:
        if isinstance(entry, dict) and (found := _first_of(entry, "items", "description", lang)):
            return found
    return None


def _record(
    release: Mapping[str, Any],
    history: list[dict],
    *,
    source: str,
    url: str,
    package_uri: str | None,
    options: Mapping[str, Any],
) -> dict[str, Any]:
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    planning = release.get("planning") if isinstance(release.get("planning"), dict) else {}
    budget_info = planning.get("budget") if isinstance(planning.get("budget"), dict) else {}
    language = _language(release, options)
    named = localized(tender, "title", language)
    title = (
        (named if worded(named) else None)
        or _first_of(release, "awards", "title", language)
        or _first_of(release, "contracts", "title", language)
        # a title that is only a reference ("2719-2016"): the buyer's description says what it is
        or (title_from(localized(tender, "description", language)) if named else None)
        # no title (OCDS 1.0 publishers): what is bought, as its first item says (an award-only release's too)
        or _first_of(tender, "items", "description", language)
        or _first_item(release, "awards", language)
        or _first_item(release, "contracts", language)
        or localized(budget_info, "project", language)
        or localized(budget_info, "description", language)
    )
    summary = (
        localized(tender, "description", language)
        or _first_of(release, "awards", "description", language)
        or _first_of(release, "contracts", "description", language)
        or localized(planning, "rationale", language)
    )
    organiser = (
        _name(release.get("buyer"), language)
        or next((_name(p, language) for p in parties(release, "buyer")), None)
        or _name(tender.get("procuringEntity"), language)
        or next((_name(p, language) for p in parties(release, "procuringEntity")), None)
    )
    period = tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
    amount, currency = _budget(release)
    tags = [str(t) for t in (history[-1]["tag"] if history else release.get("tag") or [])]
    native_id = _text(release.get("ocid")) or _text(release.get("id"))
    return new_raw(
        source,
        FAMILY,
        kind=options.get("kind") or "tender",
        native_id=native_id,
        url=_page(release, history, package_uri, url),
        title=title,
        summary=summary,
        language=language,
        texts={language: {"title": title, "summary": summary or ""}} if language and title else {},
        published_at=_published(release, history),
        deadline_at=_text(period.get("endDate")),
        organiser=organiser,
        organiser_type="buyer" if organiser else None,
        country=country(release),
        cpv=_cpv(release),
        status=ocds_releases.status(release, tags),
        notice_type=",".join(str(t) for t in tags) or None,
        budget_amount=amount,
        budget_currency=currency if amount is not None else None,
        sectors=list(options.get("sectors") or []),
        regions=list(options.get("regions") or []),
        scope=options.get("scope"),
        raw_ref=_text(release.get("id")),
        **ocds_terms(tender),  # lots, suitability.sme, procurementMethod...: refine.fit
    )


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    what = url or "OCDS file"
    pending: list[dict] = []  # consecutive bare releases of one ocid, compiled when the ocid changes

    def flush() -> Iterator[dict]:
        if pending:
            release = pending[0] if len(pending) == 1 else ocds_releases.compile(pending)
            yield _record(
                release,
                [ocds_releases.summary(r) for r in pending],
                source=source,
                url=url,
                package_uri=None,
                options=options,
            )
            pending.clear()

    for doc in _json.iter_documents(body, what):
        for shape, release, history, uri in ocds_releases.processes(doc, what):
            if shape == "single":
                if pending and pending[0].get("ocid") != release.get("ocid"):
                    yield from flush()
                pending.append(release)
                continue
            yield from flush()
            yield _record(release, history, source=source, url=url, package_uri=uri, options=options)
    yield from flush()
