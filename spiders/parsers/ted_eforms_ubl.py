"""Readers of the UBL elements of an eForms notice: texts by language, the submission deadline, the estimated
value, the buyer (from the organisations of the eForms extension) and the places of performance."""

from __future__ import annotations

from typing import Any

from lxml import etree

from spiders.parsers import _xml
from vigie.core.languages import normalise_lang

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}


EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"


def xpath(el: etree._Element, path: str) -> list:
    return el.xpath(path, namespaces=NS)


def first(el: etree._Element, path: str) -> str | None:
    for node in xpath(el, path):
        value = node if isinstance(node, str) else (node.text or "")
        value = " ".join(value.split())
        if value:
            return value
    return None


def by_lang(nodes: list[etree._Element], default: str | None = None) -> dict[str, str]:
    """{lang: text} of multilingual elements (languageID="FRA"), first value per language, whitespace folded.
    A text without languageID is in `default` (the notice language)."""
    out: dict[str, str] = {}
    for node in nodes:
        lang = normalise_lang(node.get("languageID")) or default
        value = " ".join("".join(node.itertext()).split())
        if lang and value and lang not in out:
            out[lang] = value
    return out


def organizations(ext: etree._Element | None) -> dict[str, etree._Element]:
    if ext is None:
        return {}
    out = {}
    for company in xpath(ext, "efac:Organizations/efac:Organization/efac:Company"):
        org_id = first(company, "cac:PartyIdentification/cbc:ID")
        if org_id:
            out[org_id] = company
    return out


def pick(values: dict[str, str], language: str | None) -> str | None:
    if not values:
        return None
    return values.get(language or "") or next(iter(values.values()))


# Every period that closes a step a candidate takes: tenders, requests to participate (restricted procedures,
# design contests) and expressions of interest (prior information notices used as a call for competition).
_DEADLINE_PERIODS = (
    "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod",
    "cac:TenderingProcess/cac:ParticipationRequestReceptionPeriod",
    "cac:TenderingProcess/" + EXT + "/efac:InterestExpressionReceptionPeriod",
)


def deadline(root: etree._Element) -> str | None:
    """The latest date to act: the earliest closing date over the lots (or parts, in a PIN) and the steps above,
    since the first step a member takes (request, expression of interest) comes before any tender."""
    found = []
    for period in _DEADLINE_PERIODS:
        for p in xpath(root, f"cac:ProcurementProjectLot/{period}"):
            value = _xml.iso_datetime(first(p, "cbc:EndDate"), first(p, "cbc:EndTime"))
            if value:
                found.append(value)
    return min(found, key=_xml.moment) if found else None


def budget(root: etree._Element, ext: etree._Element | None) -> tuple[float | None, str | None]:
    amounts = xpath(
        root, "cac:ProcurementProject/cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount"
    )
    if not amounts:
        # no procedure estimate: the lots' estimates add up, when they share a currency
        amounts = xpath(
            root,
            "cac:ProcurementProjectLot/cac:ProcurementProject/cac:RequestedTenderTotal/"
            "cbc:EstimatedOverallContractAmount",
        )
    if not amounts and ext is not None:
        amounts = xpath(ext, "efac:NoticeResult/cbc:TotalAmount")
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


def address_location(loc: etree._Element, language: str | None) -> str:
    description = pick(by_lang(xpath(loc, "cbc:Description"), language), language)
    addr = xpath(loc, "cac:Address")
    parts = [description] if description else []
    if addr:
        a = addr[0]
        street = first(a, "cbc:StreetName")
        town = " ".join(p for p in (first(a, "cbc:PostalZone"), first(a, "cbc:CityName")) if p)
        parts += [p for p in (street, town) if p and p not in parts]
    return ", ".join(parts)


def buyer(root: etree._Element, ext: etree._Element | None, language: str | None) -> dict[str, Any]:
    """The first contracting party, whose name and address live in efac:Organizations under its ORG id."""
    org_id = first(root, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
    company = organizations(ext).get(org_id or "")
    legal_type = "cac:ContractingParty/cac:ContractingPartyType/cbc:PartyTypeCode"
    out: dict[str, Any] = {
        "type": first(root, f"{legal_type}[@listName='buyer-legal-type']") or first(root, legal_type),
        "name": None,
        "country": None,
        "nuts": None,
        "city": None,
        "postal_code": None,
    }
    if company is not None:
        names = by_lang(xpath(company, "cac:PartyName/cbc:Name"), language)
        out["name"] = pick(names, language) or first(company, "cac:PartyName/cbc:Name")
        out["country"] = _xml.country2(first(company, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"))
        out["nuts"] = first(company, "cac:PostalAddress/cbc:CountrySubentityCode")
        out["city"] = first(company, "cac:PostalAddress/cbc:CityName")
        out["postal_code"] = first(company, "cac:PostalAddress/cbc:PostalZone")
    return out


def places(root: etree._Element, language: str | None) -> dict[str, Any]:
    """Places of performance of the procedure and of every lot."""
    places = xpath(root, "cac:ProcurementProject/cac:RealizedLocation") + xpath(
        root, "cac:ProcurementProjectLot/cac:ProcurementProject/cac:RealizedLocation"
    )
    out: dict[str, Any] = {"nuts": [], "location": None, "city": None, "postal_code": None, "country": None}
    descriptions = []
    for p in places:
        out["nuts"].append(first(p, "cac:Address/cbc:CountrySubentityCode"))
        descriptions.append(address_location(p, language))
        city = first(p, "cac:Address/cbc:CityName")
        if city and not out["city"]:
            out["city"], out["postal_code"] = city, first(p, "cac:Address/cbc:PostalZone")
        out["country"] = out["country"] or _xml.country2(
            first(p, "cac:Address/cac:Country/cbc:IdentificationCode")
        )
    descriptions = _xml.dedupe(descriptions)
    if descriptions:
        more = f" (+{len(descriptions) - 5})" if len(descriptions) > 5 else ""
        out["location"] = "; ".join(descriptions[:5]) + more
    return out
