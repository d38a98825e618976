"""Belgian federal e-Procurement (BOSA, publicprocurement.be): responses of the search API
(`/api/eProcurementSea/v1/search/publications`, the same payload the public site gets from `/api/sea/...`).

Accepted shapes: the bare API response `{"publications": [...], "totalCount": N}`, one publication object, and
a capture wrapped as `{"term", "capturedAt", "url", "status", "json": <API response>}`. An API error body
(`{"error": {"code", "descriptionEN", ...}}`) raises ParseError with the API's own message.

Notice sub-types are the eForms ones (16 = contract notice, 29 = contract award notice...) plus the national
E1-E5 for procedures below the EU thresholds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from spiders.parsers import _json
from spiders.parsers.notice_terms import bosa_terms
from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.timezone import TIMEZONE

FAMILY = "bosa"

# The public page of a publication; its workspace id is stable across corrigenda (they add to `publishedAt`),
# so it is both the identity and the link a member opens.
PAGE_URL = "https://www.publicprocurement.be/publication-workspaces/{}/general"

# eForms notice sub-type -> (notice type, status hint)
_PRIOR = ("prior-information", "forthcoming")
_CONTRACT = ("contract-notice", "open")
_AWARD = ("award-notice", "awarded")
NOTICE_SUBTYPES: dict[str, tuple[str, str]] = {
    **{str(n): _PRIOR for n in range(1, 15)},
    "15": ("qualification-system", "open"),
    **{str(n): _CONTRACT for n in range(16, 23)},
    "23": ("design-contest", "open"),
    "24": ("design-contest", "open"),
    **{str(n): ("voluntary-ex-ante-transparency", "awarded") for n in range(25, 29)},
    **{str(n): _AWARD for n in range(29, 36)},
    "36": ("design-contest-result", "awarded"),
    "37": ("design-contest-result", "awarded"),
    **{str(n): ("contract-modification", "awarded") for n in range(38, 41)},
    "E1": ("pre-market-consultation", "forthcoming"),
    "E2": _PRIOR,
    "E3": _CONTRACT,
    "E4": _AWARD,
    "E5": ("contract-completion", "closed"),
}
_LANG_ORDER = ("fr", "nl", "en", "de")
_CPV = re.compile(r"^(\d{8})(?:-\d)?$")


def sniff(head: bytes, filename: str) -> bool:
    if not _json.starts_like_json(head):
        return False
    text = _json.head_text(head)
    if '"fsbTransactionId"' in text or ('"descriptionFR"' in text and '"descriptionNL"' in text):
        return True
    return any(
        marker in text
        for marker in ('"publicationWorkspaceId"', '"noticeSubType"', '"dossier"', "publicprocurement.be/api")
    )


def _texts(entries: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        lang = str(entry.get("language") or "").lower()[:2]
        text = " ".join(str(entry.get("text") or "").split())
        if lang and text and lang not in out:
            out[lang] = text
    return out


def _pick(by_lang: Mapping[str, str], preferred: list[str]) -> str | None:
    for lang in [*preferred, *_LANG_ORDER, *by_lang]:
        if lang in by_lang:
            return by_lang[lang]
    return None


def _cpv(publication: Mapping[str, Any]) -> list[str]:
    """CPV codes without their check digit ("45000000-7" -> "45000000"), main code first, no repeats."""
    codes: list[str] = []
    entries = [publication.get("cpvMainCode"), *(publication.get("cpvAdditionalCodes") or [])]
    for entry in entries:
        raw = entry.get("code") if isinstance(entry, dict) else entry
        match = _CPV.match(str(raw or "").strip())
        if match and match.group(1) not in codes:
            codes.append(match.group(1))
    return codes


def _seconds(value: Any) -> str | None:
    """A naive local timestamp cut to the second ("2026-01-27T16:27:45.017949" -> "2026-01-27T16:27:45")."""
    if not value:
        return None
    match = re.match(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?", str(value))
    return match.group(0) if match else None


def _record(publication: Mapping[str, Any], *, source: str, options: Mapping[str, Any]) -> dict[str, Any]:
    dossier = publication.get("dossier") if isinstance(publication.get("dossier"), dict) else {}
    titles = _texts(dossier.get("titles"))
    summaries = _texts(dossier.get("descriptions"))
    for lot in publication.get("lots") or []:
        if isinstance(lot, dict):
            for lang, text in _texts(lot.get("titles")).items():
                titles.setdefault(lang, text)
            for lang, text in _texts(lot.get("descriptions")).items():
                summaries.setdefault(lang, text)

    declared = [str(x).lower()[:2] for x in publication.get("publicationLanguages") or []]
    languages = [lang for lang in [*declared, *_LANG_ORDER, *titles] if lang in titles]
    language = languages[0] if languages else (declared[0] if declared else options.get("language"))
    texts = {
        lang: {"title": titles[lang], "summary": summaries.get(lang, "")} for lang in dict.fromkeys(languages)
    }

    subtype = str(publication.get("noticeSubType") or "").strip().upper()
    notice_label, status = NOTICE_SUBTYPES.get(subtype, (None, None))
    publication_type = str(publication.get("publicationType") or "").upper()
    if publication.get("cancelledAt") or "CANCEL" in publication_type:
        status = "cancelled"

    organisation = (
        publication.get("organisation") if isinstance(publication.get("organisation"), dict) else {}
    )
    organiser = _pick(_texts(organisation.get("organisationNames")), [language] if language else [])
    nuts = [str(code) for code in publication.get("nutsCodes") or [] if code]
    workspace = publication.get("publicationWorkspaceId")
    native_id = workspace or publication.get("referenceNumber") or dossier.get("referenceNumber")

    return new_raw(
        source,
        FAMILY,
        kind="tender",
        native_id=str(native_id) if native_id else None,
        url=PAGE_URL.format(workspace) if workspace else None,
        title=titles.get(language) if language else None,
        summary=summaries.get(language) if language else None,
        language=language,
        texts=texts,
        published_at=_seconds(publication.get("publicationDate") or publication.get("dispatchDate")),
        deadline_at=_seconds(publication.get("vaultSubmissionDeadline")),
        timezone=TIMEZONE,
        organiser=organiser,
        organiser_type="contracting-authority",
        country=nuts[0][:2] if nuts and nuts[0][:2].isalpha() else "BE",
        nuts=nuts,
        cpv=_cpv(publication),
        status=status,
        notice_type=f"{notice_label}:{subtype}" if notice_label else (subtype or None),
        sectors=list(options.get("sectors") or []),
        regions=list(options.get("regions") or []),
        scope=options.get("scope"),
        raw_ref=publication.get("referenceNumber"),
        **bosa_terms(publication),  # lots, procedure: refine.fit
    )


def _api_error(error: Any, what: str) -> ParseError:
    error = error if isinstance(error, dict) else {"descriptionEN": str(error)}
    message = (
        error.get("descriptionEN")
        or error.get("descriptionFR")
        or error.get("descriptionNL")
        or "unknown error"
    )
    detail = error.get("detail")
    extra = detail.get("detail") if isinstance(detail, dict) else detail
    code = f" {error['code']}" if error.get("code") else ""
    suffix = f" ({extra})" if extra and extra != message else ""
    return ParseError(f"{what}: e-Procurement API error{code}: {message}{suffix}")


def publications(doc: Any, what: str) -> list[Mapping[str, Any]]:
    """The publication objects of any accepted shape, or ParseError."""
    if isinstance(doc, dict) and "json" in doc and ("capturedAt" in doc or "term" in doc):
        doc = doc["json"]
    if isinstance(doc, dict) and "error" in doc:
        raise _api_error(doc["error"], what)
    if isinstance(doc, dict) and isinstance(doc.get("publications"), list):
        return [p for p in doc["publications"] if isinstance(p, dict)]
    if isinstance(doc, dict) and ("publicationWorkspaceId" in doc or "dossier" in doc):
        return [doc]
    raise ParseError(f"{what}: not an e-Procurement search response (no 'publications' list)")


def total_count(body: bytes) -> int:
    """How many publications the search matches (to know how many pages to ask for)."""
    doc = _json.load(body, "e-Procurement response")
    if isinstance(doc, dict) and "json" in doc:
        doc = doc["json"]
    if isinstance(doc, dict) and "error" in doc:
        raise _api_error(doc["error"], "e-Procurement response")
    if not isinstance(doc, dict) or not isinstance(doc.get("totalCount"), int):
        raise ParseError("e-Procurement response: no integer 'totalCount'")
    return doc["totalCount"]


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    what = url or "e-Procurement response"
    for publication in publications(_json.load(body, what), what):
        yield _record(publication, source=source, options=options)
