"""What TED R2 forms, Belgian e-Procurement (BOSA) publications and OCDS releases say about who can bid: the raw
record fields of vigie.core.items (lots, lot_values, sme_suitable, procedure, duration_months, framework,
reserved), read by refine.fit. ted_eforms_terms.py does the same for eForms. Each field is None when the source
does not say; procedure codes are eForms' (open, restricted, neg-w-call, neg-wo-call, comp-dial, innovation),
so refine.fit reads one vocabulary whatever the source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

# TED R2 procedure elements (PROCEDURE/PT_*) -> eForms procedure codes (BT-105).
_R2_PROCEDURES = {
    "PT_OPEN": "open",
    "PT_RESTRICTED": "restricted",
    "PT_COMPETITIVE_NEGOTIATION": "neg-w-call",
    "PT_INVOLVING_NEGOTIATION": "neg-w-call",
    "PT_NEGOTIATED_WITH_PRIOR_CALL": "neg-w-call",
    "PT_COMPETITIVE_DIALOGUE": "comp-dial",
    "PT_INNOVATION_PARTNERSHIP": "innovation",
    "PT_AWARD_CONTRACT_WITHOUT_CALL": "neg-wo-call",
    "PT_NEGOTIATED_WITHOUT_PUBLICATION": "neg-wo-call",
}
_R2_RESERVED = {
    "RESTRICTED_SHELTERED_WORKSHOP": "sheltered workshops",
    "RESTRICTED_SHELTERED_PROGRAM": "sheltered employment programmes",
    "RESERVED_ORGANISATIONS_SERVICE_MISSION": "public service mission organisations",
}
_MONTHS = {"MONTH": 1.0, "YEAR": 12.0, "DAY": 1 / 30}
# BOSA dossier.procurementProcedureType (OPEN, OPEN_25, NEG_WO_CALL_24, S_NEG_W_CALL_24_81...) by its stem.
_BOSA_PROCEDURES = (
    ("S_NEG_W_CALL", "neg-w-call"),
    ("NEG_W_CALL", "neg-w-call"),
    ("NEG_WO_CALL", "neg-wo-call"),
    ("COMP_DIAL", "comp-dial"),
    ("INNOVATION", "innovation"),
    ("RESTRICTED", "restricted"),
    ("OPEN", "open"),
)
# OCDS tender.procurementMethod (closed codelist) -> eForms codes; "direct" is an award without competition.
_OCDS_METHODS = {"open": "open", "selective": "restricted", "limited": "neg-wo-call", "direct": "neg-wo-call"}


def _number(text: Any) -> float | None:
    try:
        value = float(str(text).replace(",", ".")) if text not in (None, "") else None
    except ValueError:
        return None
    return value if value is not None and value > 0 else None


def _terms(**fields: Any) -> dict[str, Any]:
    keys = ("lots", "lot_values", "sme_suitable", "procedure", "duration_months", "framework", "reserved")
    return {key: fields.get(key) for key in keys}


def r2_terms(form: etree._Element) -> dict[str, Any]:
    """The bidding terms of one TED R2 form (the original-language one; namespaces already stripped)."""
    lots = [d for d in form.iter("OBJECT_DESCR")]
    values = [v for d in lots if (v := _number(_text(d.find("VAL_OBJECT")))) is not None]
    months = []
    for node in form.iter("DURATION"):
        factor, value = _MONTHS.get((node.get("TYPE") or "").upper()), _number(node.text)
        if factor and value:
            months.append(round(value * factor, 1))
    procedure = next(
        (_R2_PROCEDURES[c.tag] for c in form.iter(*_R2_PROCEDURES) if isinstance(c.tag, str)), None
    )
    reserved = next((_R2_RESERVED[c.tag] for c in form.iter(*_R2_RESERVED)), None)
    divided = form.find(".//LOT_DIVISION") is not None
    return _terms(
        lots=len(lots) if divided and lots else (1 if form.find(".//NO_LOT_DIVISION") is not None else None),
        lot_values=values if divided and values else None,
        procedure=procedure,
        duration_months=max(months) if months else None,
        framework=True if form.find(".//FRAMEWORK") is not None else None,
        reserved=reserved,
    )


def _text(node: etree._Element | None) -> str | None:
    return (node.text or "").strip() or None if node is not None else None


def bosa_terms(publication: Mapping[str, Any]) -> dict[str, Any]:
    """The bidding terms of one e-Procurement publication: its lots and its procedure type."""
    dossier = publication.get("dossier") if isinstance(publication.get("dossier"), dict) else {}
    lots = [lot for lot in publication.get("lots") or [] if isinstance(lot, dict)]
    code = str(dossier.get("procurementProcedureType") or "").upper()
    procedure = next((name for stem, name in _BOSA_PROCEDURES if code.startswith(stem)), None)
    return _terms(lots=len(lots) or None, procedure=procedure)


def ocds_terms(tender: Mapping[str, Any]) -> dict[str, Any]:
    """The bidding terms of an OCDS release's tender: lots and their values, procurementMethod, the
    suitability extension (`suitability.sme`), contractPeriod.durationInDays, techniques.hasFrameworkAgreement."""
    lots = [lot for lot in tender.get("lots") or [] if isinstance(lot, dict)]
    values = [
        v for lot in lots if isinstance(lot.get("value"), dict) and (v := _number(lot["value"].get("amount")))
    ]
    suitability = tender.get("suitability") if isinstance(tender.get("suitability"), dict) else {}
    sme = suitability.get("sme")
    period = tender.get("contractPeriod") if isinstance(tender.get("contractPeriod"), dict) else {}
    days = _number(period.get("durationInDays"))
    techniques = tender.get("techniques") if isinstance(tender.get("techniques"), dict) else {}
    framework = techniques.get("hasFrameworkAgreement")
    method = tender.get("procurementMethod")
    return _terms(
        lots=len(lots) or None,
        lot_values=values or None,
        sme_suitable=sme if isinstance(sme, bool) else None,
        procedure=_OCDS_METHODS.get(method) if isinstance(method, str) else None,
        duration_months=round(days / 30, 1) if days else None,
        framework=framework if isinstance(framework, bool) else None,
    )
