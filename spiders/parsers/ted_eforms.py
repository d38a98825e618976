"""TED eForms UBL notices (SDK 1.x): ContractNotice, PriorInformationNotice, ContractAwardNotice, and their change
notices (corrigenda). One raw record per notice; lots are folded in (earliest deadline, every CPV, every place).

Identity: `native_id` is TED's publication number in its canonical form "612681-2024" (the XML writes
"00612681-2024"; TED's pages, the Search API and R2 XML write it without the zeros, so the three TED parsers agree).
A notice not yet published has no number: then it is "<notice UUID>-v<version>".

Texts: procedure title (BT-21) and description (BT-24) in every language of the notice go to `texts`; the main
language is cbc:NoticeLanguageCode. A change notice appends its change description (BT-141) to the summary, and
one whose change reason (BT-140) is "cancel" is marked cancelled.

Kind and status: design contests (cn-desg, can-desg) are prizes, kind "call"; everything else is a "tender".
Status hints: cn-* and pin-cfc-* "open", other pin-* "forthcoming", can-*/veat/can-modif "awarded", "cancelled"
for a cancellation or an award notice whose every lot closed without a winner ("clos-nw").

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
from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.languages import normalise_lang

FAMILY = "eforms"

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
ROOTS = ("ContractNotice", "PriorInformationNotice", "ContractAwardNotice")
_ROOT_NS = {f"urn:oasis:names:specification:ubl:schema:xsd:{r}-2": r for r in ROOTS}
_SNIFF = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(ContractNotice|PriorInformationNotice|ContractAwardNotice)[\s>]"
)

_EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"


def sniff(head: bytes, filename: str = "") -> bool:
    """An eForms notice: a UBL notice root element and the eForms extension namespace, both in the first bytes."""
    m = _SNIFF.search(head)
    if not m:
        return False
    root = m.group(1).decode()
    return (
        f"urn:oasis:names:specification:ubl:schema:xsd:{root}-2".encode() in head
        and b"http://data.europa.eu/p27/eforms-ubl-extension" in head
    )


def _x(el: etree._Element, path: str) -> list:
    return el.xpath(path, namespaces=NS)


def _first(el: etree._Element, path: str) -> str | None:
    for node in _x(el, path):
        value = node if isinstance(node, str) else (node.text or "")
        value = " ".join(value.split())
        if value:
            return value
    return None


def _by_lang(nodes: list[etree._Element], default: str | None = None) -> dict[str, str]:
    """{lang: text} of multilingual elements (languageID="FRA"), first value per language, whitespace folded.
    A text without languageID is in `default` (the notice language)."""
    out: dict[str, str] = {}
    for node in nodes:
        lang = normalise_lang(node.get("languageID")) or default
        value = " ".join("".join(node.itertext()).split())
        if lang and value and lang not in out:
            out[lang] = value
    return out


def _organizations(ext: etree._Element | None) -> dict[str, etree._Element]:
    if ext is None:
        return {}
    out = {}
    for company in _x(ext, "efac:Organizations/efac:Organization/efac:Company"):
        org_id = _first(company, "cac:PartyIdentification/cbc:ID")
        if org_id:
            out[org_id] = company
    return out


def _pick(values: dict[str, str], language: str | None) -> str | None:
    if not values:
        return None
    return values.get(language or "") or next(iter(values.values()))


def _deadline(root: etree._Element) -> str | None:
    """The earliest closing date over the lots: tenders first; for restricted procedures, contests and PINs used
    as calls the first step a member takes is the request to participate, so that deadline counts too."""
    found = []
    for period in ("cac:TenderSubmissionDeadlinePeriod", "cac:ParticipationRequestReceptionPeriod"):
        for p in _x(root, f"cac:ProcurementProjectLot/cac:TenderingProcess/{period}"):
            value = _xml.iso_datetime(_first(p, "cbc:EndDate"), _first(p, "cbc:EndTime"))
            if value:
                found.append(value)
        if found:
            break
    return min(found, key=_xml.moment) if found else None


def _budget(root: etree._Element, ext: etree._Element | None) -> tuple[float | None, str | None]:
    amounts = _x(root, "cac:ProcurementProject/cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount")
    if not amounts:
        # no procedure estimate: the lots' estimates add up, when they share a currency
        amounts = _x(
            root,
            "cac:ProcurementProjectLot/cac:ProcurementProject/cac:RequestedTenderTotal/"
            "cbc:EstimatedOverallContractAmount",
        )
    if not amounts and ext is not None:
        amounts = _x(ext, "efac:NoticeResult/cbc:TotalAmount")
    values, currencies = [], set()
    for node in amounts:
        try:
            values.append(float((node.text or "").strip()))
        except ValueError:
            continue
        currencies.add(node.get("currencyID"))
    if not values or len(currencies) != 1:
        return None, None
    return sum(values), currencies.pop()


def _address_location(loc: etree._Element, language: str | None) -> str:
    description = _pick(_by_lang(_x(loc, "cbc:Description"), language), language)
    addr = _x(loc, "cac:Address")
    parts = [description] if description else []
    if addr:
        a = addr[0]
        street = _first(a, "cbc:StreetName")
        town = " ".join(p for p in (_first(a, "cbc:PostalZone"), _first(a, "cbc:CityName")) if p)
        parts += [p for p in (street, town) if p and p not in parts]
    return ", ".join(parts)


def _buyer(root: etree._Element, ext: etree._Element | None, language: str | None) -> dict[str, Any]:
    """The first contracting party, whose name and address live in efac:Organizations under its ORG id."""
    org_id = _first(root, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
    company = _organizations(ext).get(org_id or "")
    legal_type = "cac:ContractingParty/cac:ContractingPartyType/cbc:PartyTypeCode"
    out: dict[str, Any] = {
        "type": _first(root, f"{legal_type}[@listName='buyer-legal-type']") or _first(root, legal_type),
        "name": None,
        "country": None,
        "nuts": None,
        "city": None,
        "postal_code": None,
    }
    if company is not None:
        names = _by_lang(_x(company, "cac:PartyName/cbc:Name"), language)
        out["name"] = _pick(names, language) or _first(company, "cac:PartyName/cbc:Name")
        out["country"] = _xml.country2(
            _first(company, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")
        )
        out["nuts"] = _first(company, "cac:PostalAddress/cbc:CountrySubentityCode")
        out["city"] = _first(company, "cac:PostalAddress/cbc:CityName")
        out["postal_code"] = _first(company, "cac:PostalAddress/cbc:PostalZone")
    return out


def _places(root: etree._Element, language: str | None) -> dict[str, Any]:
    """Places of performance of the procedure and of every lot."""
    places = _x(root, "cac:ProcurementProject/cac:RealizedLocation") + _x(
        root, "cac:ProcurementProjectLot/cac:ProcurementProject/cac:RealizedLocation"
    )
    out: dict[str, Any] = {"nuts": [], "location": None, "city": None, "postal_code": None, "country": None}
    descriptions = []
    for p in places:
        out["nuts"].append(_first(p, "cac:Address/cbc:CountrySubentityCode"))
        descriptions.append(_address_location(p, language))
        city = _first(p, "cac:Address/cbc:CityName")
        if city and not out["city"]:
            out["city"], out["postal_code"] = city, _first(p, "cac:Address/cbc:PostalZone")
        out["country"] = out["country"] or _xml.country2(
            _first(p, "cac:Address/cac:Country/cbc:IdentificationCode")
        )
    descriptions = _xml.dedupe(descriptions)
    if descriptions:
        more = f" (+{len(descriptions) - 5})" if len(descriptions) > 5 else ""
        out["location"] = "; ".join(descriptions[:5]) + more
    return out


def notice_type_status(notice_type: str) -> str | None:
    """The status a notice type implies (eForms codes, also used by the TED Search API)."""
    if notice_type.startswith(("can-", "veat")):
        return "awarded"
    if notice_type.startswith(("cn-", "pin-cfc", "subco", "qu-sy")):
        return "open"
    if notice_type.startswith(("pin-", "pmc")):
        return "forthcoming"
    return None


def notice_type_kind(notice_type: str, default: str = "tender") -> str:
    """Design contests (cn-desg, can-desg) are prizes for architects and designers: calls, not tenders."""
    return "call" if notice_type.endswith("-desg") else default


def _status(notice_type: str, ext: etree._Element | None) -> str | None:
    if ext is not None and "cancel" in _x(ext, "efac:Changes/efac:ChangeReason/cbc:ReasonCode/text()"):
        return "cancelled"
    status = notice_type_status(notice_type)
    if status == "awarded" and ext is not None:
        results = _x(ext, "efac:NoticeResult/efac:LotResult/cbc:TenderResultCode/text()")
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
    yield _record(root, source=source, url=url, options=options)


def _record(root: etree._Element, *, source: str, url: str, options: Mapping[str, Any]) -> dict:
    exts = _x(root, _EXT)
    ext = exts[0] if exts else None
    number = (
        _xml.publication_number(_first(ext, "efac:Publication/efbc:NoticePublicationID"))
        if ext is not None
        else None
    )
    notice_uuid = _first(root, "cbc:ID")
    if not number and not notice_uuid:
        raise ParseError(
            "empty or invalid eForms notice: no publication number and no notice identifier (cbc:ID)"
        )
    native_id = number or f"{notice_uuid}-v{_first(root, 'cbc:VersionID') or '01'}"
    notice_type = _first(root, "cbc:NoticeTypeCode") or ""
    language = normalise_lang(_first(root, "cbc:NoticeLanguageCode"))

    project = _x(root, "cac:ProcurementProject")
    lot_projects = _x(root, "cac:ProcurementProjectLot/cac:ProcurementProject")
    titles = _by_lang(_x(root, "cac:ProcurementProject/cbc:Name"), language)
    summaries = _by_lang(_x(root, "cac:ProcurementProject/cbc:Description"), language)
    if not titles and lot_projects:
        # a notice with a single lot sometimes only titles the lot
        titles = _by_lang(_x(lot_projects[0], "cbc:Name"), language)
        summaries = summaries or _by_lang(_x(lot_projects[0], "cbc:Description"), language)

    # a change notice (corrigendum) says what changed and why: both go after the description
    changed = _x(ext, "efac:Changes/efac:Change/efbc:ChangeDescription") if ext is not None else []
    reasons = _x(ext, "efac:Changes/efac:ChangeReason/efbc:ReasonDescription") if ext is not None else []
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

    buyer = _buyer(root, ext, language)
    place = _places(root, language)
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
            for node in _x(p, path)
        ]
    )

    issue = _xml.iso_datetime(_first(root, "cbc:IssueDate"), _first(root, "cbc:IssueTime"))
    published = (
        _xml.iso_date(_first(ext, "efac:Publication/efbc:PublicationDate")) if ext is not None else None
    )
    amount, currency = _budget(root, ext)

    docs_url = _first(
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
        kind=notice_type_kind(notice_type, options.get("kind") or "tender"),
        native_id=native_id,
        url=page,
        title=main.get("title") or None,
        summary=main.get("summary") or None,
        language=language,
        texts=texts,
        published_at=published or issue,
        deadline_at=_deadline(root),
        organiser=buyer["name"],
        organiser_type=buyer["type"],
        location=place["location"],
        # city and postal code of one and the same place: where the work is done, else the buyer's address
        postal_code=place["postal_code"] if place["city"] else buyer["postal_code"],
        city=place["city"] or buyer["city"],
        country=buyer["country"] or place["country"],
        nuts=nuts,
        cpv=cpv,
        status=_status(notice_type, ext),
        notice_type=notice_type or None,
        budget_amount=amount,
        budget_currency=currency,
        sectors=list(options.get("sectors") or []),
        regions=list(options.get("regions") or []),
        scope=options.get("scope"),
        raw_ref=notice_uuid,
    )
