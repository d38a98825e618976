"""What an eForms notice says about who can bid: lots and their estimated values, SME suitability (BT-726),
procedure type (BT-105), duration (BT-36), framework agreement (BT-765) and reserved procurement (BT-71).
The raw record fields of vigie.core.items (lots, lot_values, sme_suitable, procedure, duration_months,
framework, reserved), read by refine.fit."""

from __future__ import annotations

from typing import Any

from lxml import etree

from spiders.parsers import ted_eforms_ubl as ubl

_LOT = "cac:ProcurementProjectLot[cbc:ID/@schemeName='Lot']"
_MONTHS = {"MONTH": 1.0, "YEAR": 12.0, "DAY": 1 / 30, "WEEK": 7 / 30}
_RESERVED = {"res-ws": "sheltered workshops", "res-pub-ser": "public service mission organisations"}


def _amount(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value and value > 0 else None


def _months(node: etree._Element) -> float | None:
    factor = _MONTHS.get((node.get("unitCode") or "").upper())
    value = _amount(node.text)
    return round(value * factor, 1) if factor and value else None


def bidding_terms(root: etree._Element) -> dict[str, Any]:
    """The raw record fields above, each None when the notice does not say."""
    lots = ubl.xpath(root, _LOT)
    values = [
        v
        for lot in lots
        if (v := _amount(ubl.first(lot, "cac:ProcurementProject/cac:RequestedTenderTotal/"
                                        "cbc:EstimatedOverallContractAmount"))) is not None
    ]  # fmt: skip
    sme = {
        (node.text or "").strip().lower()
        for node in ubl.xpath(root, f"{_LOT}/cac:ProcurementProject/cbc:SMESuitableIndicator")
    }
    durations = [
        m
        for node in ubl.xpath(root, f"{_LOT}/cac:ProcurementProject/cac:PlannedPeriod/cbc:DurationMeasure")
        if (m := _months(node)) is not None
    ]
    framework = {
        (node.text or "").strip()
        for node in ubl.xpath(
            root, f"{_LOT}/cac:TenderingProcess/cac:ContractingSystem/"
            "cbc:ContractingSystemTypeCode[@listName='framework-agreement']",
        )
    }  # fmt: skip
    reserved = [
        _RESERVED[code]
        for node in ubl.xpath(
            root, f"{_LOT}/cac:TenderingTerms/cac:TendererQualificationRequest/"
            "cbc:TendererRequirementTypeCode[@listName='reserved-procurement']",
        )
        if (code := (node.text or "").strip()) in _RESERVED
    ]  # fmt: skip
    return {
        "lots": len(lots) or None,
        "lot_values": values or None,
        "sme_suitable": ("true" in sme) if sme & {"true", "false"} else None,
        "procedure": ubl.first(root, "cac:TenderingProcess/cbc:ProcedureCode"),
        "duration_months": max(durations) if durations else None,
        "framework": bool(framework - {"none", ""}) if framework else None,
        "reserved": reserved[0] if reserved else None,
    }
