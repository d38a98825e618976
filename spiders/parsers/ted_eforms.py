"""TED eForms UBL notices (SDK 1.x): ContractNotice, PriorInformationNotice, ContractAwardNotice, and their change
notices (corrigenda). One raw record per notice; lots are folded in (earliest deadline, every CPV, every place).

Identity: `native_id` is TED's publication number in its canonical form "612681-2024" (the XML writes
"00612681-2024"; TED's pages, the Search API and R2 XML write it without the zeros, so the three TED parsers agree).
A notice not yet published has no number: then it is "<notice UUID>-v<version>".

Texts: procedure title (BT-21) and description (BT-24) in every language of the notice go to `texts`; the main
language is cbc:NoticeLanguageCode. A change notice appends its change description (BT-141) to the summary, and
one whose change reason (BT-140) is "cancel" is marked cancelled.

Kind and status: every notice is a "tender", design contests (cn-desg, can-desg) included (the product contract:
a contest is bought through a procurement procedure). The status hint comes from the notice type, which refine
trusts over the dates: cn-* and pin-cfc-* "open", other pin-* "forthcoming", result notices (can-*, veat,
can-modif, subtypes 25-40) "awarded", contract completion "closed", "cancelled" for a cancellation or an award
notice whose every lot closed without a winner ("clos-nw").

Errors: bytes that are not well-formed XML, or whose root is not an eForms notice, raise ParseError. A notice with
neither a publication number nor a notice identifier (like the SDK's INVALID_cn_24_empty example) cannot be
tracked, so it raises ParseError too. A notice that has an identity but lacks other fields (no title...) is
yielded as read: validation then quarantines it with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from lxml import etree

from spiders.parsers import _xml
from spiders.parsers import ted_eforms_ubl as ubl
from spiders.parsers._text import names_only, title_from, worded
from spiders.parsers.ted_eforms_terms import bidding_terms
from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.languages import normalise_lang

FAMILY = "eforms"


ROOTS = ("ContractNotice", "PriorInformationNotice", "ContractAwardNotice")
# eForms notices that are no procurement (X01 EEIG, X02 European company registrations, published on TED like the
# others): a valid file with no opportunity in it, so 0 items and a note, never an error
NOT_PROCUREMENT = ("BusinessRegistrationInformationNotice",)


_ROOT_NS = {f"urn:oasis:names:specification:ubl:schema:xsd:{r}-2": r for r in ROOTS}
_ROOT_NS["http://data.europa.eu/p27/eforms-business-registration-information-notice/1"] = NOT_PROCUREMENT[0]


_SNIFF = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?"
    rb"(ContractNotice|PriorInformationNotice|ContractAwardNotice|BusinessRegistrationInformationNotice)[\s>]"
)


def sniff(head: bytes, filename: str = "") -> bool:
    """An eForms notice: a UBL notice root element and the eForms extension namespace, both in the first bytes."""
    m = _SNIFF.search(head)
    if not m:
        return False
    namespace = next(ns for ns, name in _ROOT_NS.items() if name == m.group(1).decode())
    return namespace.encode() in head and b"http://data.europa.eu/p27/eforms-ubl-extension" in head


# eForms form types (BT-03): what a notice of each form says about the procedure
FORM_TYPE_STATUS = {
    "planning": "forthcoming",
    "competition": "open",
    "result": "awarded",
    "dir-awa-pre": "awarded",
    "cont-modif": "awarded",
}


def notice_type_status(notice_type: str, form_type: str = "") -> str | None:
    """The status a notice type (BT-02) implies, else its form type (BT-03); eForms codes, also used by the TED
    Search API."""
    notice_type = notice_type.strip().lower()
    if notice_type.startswith(("can-", "veat")):
        return "awarded"
    if notice_type.startswith("compl"):
        return "closed"  # contract completion: the contract has been carried out
    if notice_type.startswith(("cn-", "pin-cfc", "subco", "qu-sy")):
        return "open"
    if notice_type.startswith(("pin-", "pmc")):
        return "forthcoming"
    return FORM_TYPE_STATUS.get(form_type.strip().lower())


def _status(notice_type: str, form_type: str, ext: etree._Element | None) -> str | None:
    if ext is not None and "cancel" in ubl.xpath(ext, "efac:Changes/efac:ChangeReason/cbc:ReasonCode/text()"):
        return "cancelled"
    status = notice_type_status(notice_type, form_type)
    if status == "awarded" and ext is not None:
        results = ubl.xpath(ext, "efac:NoticeResult/efac:LotResult/cbc:TenderResultCode/text()")
        if results and all(r.strip() == "clos-nw" for r in results):
            return "cancelled"  # every lot closed without a winner: the procedure was discontinued
    return status


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    root = _xml.load(body)
    if etree.QName(root).namespace not in _ROOT_NS:
        raise ParseError(
            f"not an eForms notice (root element <{_xml.localname(root) or root.tag}>, "
            f"expected {', '.join(ROOTS)} in the UBL namespaces)"
        )
    if _ROOT_NS[etree.QName(root).namespace] in NOT_PROCUREMENT:
        return
    yield _record(root, source=source, url=url, options=options)


def notes(body: bytes) -> list[str]:
    """What `vigie parse` says besides the items: that a registration notice holds no opportunity."""
    m = _SNIFF.search(body[:4096])
    if m and m.group(1).decode() in NOT_PROCUREMENT:
        return [
            "a business registration notice (EEIG or European company), not a procurement: no opportunity"
        ]
    return []


def _record(root: etree._Element, *, source: str, url: str, options: Mapping[str, Any]) -> dict:
    exts = ubl.xpath(root, ubl.EXT)
    ext = exts[0] if exts else None
    number = (
        _xml.publication_number(ubl.first(ext, "efac:Publication/efbc:NoticePublicationID"))
        if ext is not None
        else None
    )
    notice_uuid = ubl.first(root, "cbc:ID")
    if not number and not notice_uuid:
        raise ParseError(
            "empty or invalid eForms notice: no publication number and no notice identifier (cbc:ID)"
        )
    native_id = number or f"{notice_uuid}-v{ubl.first(root, 'cbc:VersionID') or '01'}"
    notice_type = ubl.first(root, "cbc:NoticeTypeCode") or ""
    # the code list the notice type is taken from is its form type (BT-03: planning, competition, result...)
    form_type = next((n.get("listName") or "" for n in ubl.xpath(root, "cbc:NoticeTypeCode")), "")
    language = normalise_lang(ubl.first(root, "cbc:NoticeLanguageCode"))

    project = ubl.xpath(root, "cac:ProcurementProject")
    lot_projects = ubl.xpath(root, "cac:ProcurementProjectLot/cac:ProcurementProject")
    titles = ubl.by_lang(ubl.xpath(root, "cac:ProcurementProject/cbc:Name"), language)
    summaries = ubl.by_lang(ubl.xpath(root, "cac:ProcurementProject/cbc:Description"), language)
    if not titles and lot_projects:
        # a notice with a single lot sometimes only titles the lot
        titles = ubl.by_lang(ubl.xpath(lot_projects[0], "cbc:Name"), language)
        summaries = summaries or ubl.by_lang(ubl.xpath(lot_projects[0], "cbc:Description"), language)
    # a value, a file number or the buyer's own name where the title goes ("5,640,000", "VZW AZ Jan Portaels"):
    # the lot's title, else the description's start
    names = [
        "".join(node.itertext())
        for company in ubl.organizations(ext).values()
        for node in ubl.xpath(company, "cac:PartyName/cbc:Name")
    ]
    for lang, title in list(titles.items()):
        if not worded(title) or names_only(title, names):
            lot = ubl.by_lang(ubl.xpath(lot_projects[0], "cbc:Name"), language) if lot_projects else {}
            lot_title = lot.get(lang)
            good_lot = worded(lot_title) and not names_only(lot_title, names)
            titles[lang] = lot_title if good_lot else (title_from(summaries.get(lang)) or title)

    # a change notice (corrigendum) says what changed and why: both go after the description
    changed = ubl.xpath(ext, "efac:Changes/efac:Change/efbc:ChangeDescription") if ext is not None else []
    reasons = (
        ubl.xpath(ext, "efac:Changes/efac:ChangeReason/efbc:ReasonDescription") if ext is not None else []
    )
    for node in changed + reasons:
        lang = normalise_lang(node.get("languageID")) or language
        note = " ".join("".join(node.itertext()).split())
        if lang and note:
            summaries[lang] = "\n\n".join(p for p in (summaries.get(lang), note) if p)

    texts = {
        lang: {"title": titles.get(lang, ""), "summary": summaries.get(lang, "")}
        for lang in dict.fromkeys([*titles, *summaries])
    }
    if language not in texts:
        language = next(iter(texts), language)

    buyer = ubl.buyer(root, ext, language)
    place = ubl.places(root, language)
    nuts = _xml.dedupe([_xml.nuts(n) for n in [buyer["nuts"], *place["nuts"]]])

    cpv_paths = (
        "cac:MainCommodityClassification/cbc:ItemClassificationCode[not(@listName) or @listName='cpv']",
        "cac:AdditionalCommodityClassification/cbc:ItemClassificationCode[not(@listName) or @listName='cpv']",
    )
    cpv = _xml.dedupe(
        [
            _xml.cpv8(node.text)
            for p in (*project, *lot_projects)
            for path in cpv_paths
            for node in ubl.xpath(p, path)
        ]
    )

    issue = _xml.iso_datetime(ubl.first(root, "cbc:IssueDate"), ubl.first(root, "cbc:IssueTime"))
    published = (
        _xml.iso_date(ubl.first(ext, "efac:Publication/efbc:PublicationDate")) if ext is not None else None
    )
    amount, currency = ubl.budget(root, ext)

    docs_url = ubl.first(
        root,
        "cac:ProcurementProjectLot/cac:TenderingTerms/cac:CallForTendersDocumentReference/"
        "cac:Attachment/cac:ExternalReference/cbc:URI",
    )
    page = (
        _xml.notice_url(number) if number else (url if url.startswith(("http://", "https://")) else docs_url)
    )
    main = texts.get(language or "", {})

    return new_raw(
        source,
        FAMILY,
        kind=options.get("kind") or "tender",
        native_id=native_id,
        url=page,
        title=main.get("title") or None,
        summary=main.get("summary") or None,
        language=language,
        texts=texts,
        published_at=published or issue,
        deadline_at=ubl.deadline(root),
        organiser=buyer["name"],
        organiser_type=buyer["type"],
        location=place["location"],
        # city and postal code of one and the same place: where the work is done, else the buyer's address
        postal_code=place["postal_code"] if place["city"] else buyer["postal_code"],
        city=place["city"] or buyer["city"],
        country=buyer["country"] or place["country"],
        nuts=nuts,
        cpv=cpv,
        status=_status(notice_type, form_type, ext),
        notice_type=notice_type or None,
        budget_amount=amount,
        budget_currency=currency,
        sectors=list(options.get("sectors") or []),
        regions=list(options.get("regions") or []),
        scope=options.get("scope"),
        raw_ref=notice_uuid,
        **bidding_terms(root),  # lots, SME suitability, procedure...: refine.fit
    )
