"""Fit for a freelancer: could one of Smart's members (who work alone or in small groups) answer this call or
bid on this tender? `fit` is good, possible or unlikely, `fit_reasons` the short codes that decided it.

Tenders: what the notice says (refine reads the raw fields the procurement parsers pass through, see
vigie.core.items; eForms, TED R2, e-Procurement (BOSA) and OCDS all fill them, spiders/parsers/notice_terms.py):
the estimated value of the contract and of its smallest lot (a freelancer bids on one lot), the number of lots,
SME suitability (eForms BT-726, OCDS `suitability.sme`), the procedure, the duration, a framework agreement,
procurement reserved to sheltered workshops, and works/goods CPV codes. Calls: the eligibility wording of the
text in FR/NL/EN (individual artists and freelancers welcome, organisations only, consortia, residency and age
limits). Each signal scores +1 (suits a small team) or -1/-2; the sum decides. Events and news have no fit.
"""

from __future__ import annotations

import re
from typing import Any

from vigie.core.text import fold

# Above these estimated values a contract asks for turnover and staff a freelancer rarely has (EUR, excl. VAT).
SMALL_VALUE = 140_000  # about the EU threshold for services of central government
LARGE_VALUE = 1_000_000
LONG_MONTHS = 48
# (90: sewage, refuse and cleaning are services a small firm does deliver; 37: instruments, toys, sports goods.)
_GOODS_OR_WORKS = ("03", "09", "14", "15", "16", "18", "19", "24", "30", "31", "32", "33", "34", "35", "37",
                   "38", "39", "41", "42", "43", "44", "45", "50", "60", "65", "66")  # fmt: skip
# Services of Smart's trades (cultural, audiovisual, photography, printing and design, advertising, translation,
# event organisation): contracts a freelancer or a small team does deliver. Read on the main (first) code: a library
# software contract that lists "library services" among its codes is a software contract.
_CREATIVE_SERVICES = ("92", "7996", "798", "7934", "7953", "7995")
_HARD_PROCEDURES = {"comp-dial": "competitive dialogue", "innovation": "innovation partnership"}
# Shown, not scored: an invitation-only procedure (BOSA and OCDS publish some) may still take a small supplier.
_NOTED_PROCEDURES = {"restricted": "restricted", "neg-wo-call": "without call for competition"}

# Eligibility wording of calls (folded text, word boundaries). Each entry: (pattern, reason, score).
_ELIGIBILITY = [
    (
        r"individual artists?|artistes? individuel|freelanc|independant|zelfstandige|natural persons?"
        r"|personnes? physiques?|natuurlijke personen|individuele kunstenaars?|kunstenaars? en collectieven"
        r"|artists?,? (?:curators|collectives)|ouvert aux artistes|open to (?:all )?artists|emerging artists?"
        r"|artistes? emergent|jonge makers|makers? (?:die|met)|individuals|media artists?|artists? fees"
        r"|(?:for|to) (?:individual |professional )?artists|authors?hip|individual (?:writers|authors|journalists)"
        r"|auteurs? individuels?|ouvert aux (?:auteurs|autrices|createurs|creatrices)|open voor (?:makers|kunstenaars)",
        "eligibility:individuals",
        1,
    ),
    (
        r"aucune candidature individuelle|seules? les (?:institutions|structures|associations|organisations)"
        r"|organisations? only|only (?:legal entities|organisations|institutions)|legal entities"
        r"|rechtspersonen|personnes? morales?|non-profit organi[sz]ations?|public bodies|municipalit"
        r"|gemeenten|lokale besturen|pouvoirs locaux|universit|collectivites|civil society organi[sz]ations?"
        r"|\bcsos?\b|\bngos?\b|not-for-profit|community (?:organi[sz]ations|groups)|(?:implementing|cooperating)"
        r" partners?|support (?:local |youth/community |community )?organi[sz]ations|eligible organi[sz]ations"
        r"|your organi[sz]ation|enable organi[sz]ations|community[- ]led|community groups?|charit(?:y|ies)\b"
        r"|higher education institutions?|research institut|looking for vendors|capital projects?|premises"
        r"|united nations|\bnofo\b|empower organi[sz]ations|community (?:grants?|fund)|research applications"
        r"|associations? (?:sans but lucratif|agreees?)|\basbl\b|\bvzw\b|organismes? (?:agrees?|reconnus?)",
        "eligibility:organisations only",
        -2,
    ),
    (r"organi[sz]ations? and collectives|collectives? and organi[sz]ations", "eligibility:collectives", 0),
    (
        r"consorti|at least (?:three|3|two|2) (?:independent )?(?:legal )?(?:entities|partners|organisations)"
        r"|partnership of|partenariat entre|samenwerkingsverband",
        "eligibility:consortium",
        -2,
    ),
    (
        r"(?:under|younger than|moins de|jonger dan|onder de) (\d{2}) (?:years|ans|jaar)"
        r"|(?:aged?|age limit|age de|leeftijd) (?:de )?\d{2}",
        "eligibility:age limit",
        0,
    ),
    (
        r"residents? (?:of|in)|domicili|resident en|gevestigd in|woonachtig|based in|installes? en"
        r"|wonen in",
        "eligibility:residency",
        0,
    ),
]
_ELIGIBILITY_RE = [(re.compile(rf"\b(?:{p})"), reason, score) for p, reason, score in _ELIGIBILITY]


def _money(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    return f"{value / 1000:.0f}k"


def tender_signals(item: dict[str, Any], record: dict[str, Any]) -> list[tuple[str, int]]:
    """(reason, score) of a tender's notice fields."""
    out: list[tuple[str, int]] = []
    currency = item.get("budget_currency") or "EUR"
    lot_values = [float(v) for v in record.get("lot_values") or () if isinstance(v, int | float) and v > 0]
    value = min(lot_values) if lot_values else item.get("budget_amount")
    label = "lot value" if lot_values and len(lot_values) > 1 else "value"
    if value is not None and currency == "EUR":
        if value > LARGE_VALUE:
            out.append((f"{label}>{_money(LARGE_VALUE)} EUR", -2))
        elif value > SMALL_VALUE:  # within reach of a small team, not of one freelancer alone: no score
            out.append((f"{label}:{_money(value)} EUR", 0))
        else:
            out.append((f"{label}<={_money(SMALL_VALUE)} EUR", 1))
    lots = record.get("lots")
    if isinstance(lots, int) and lots > 1:
        out.append((f"lots:{lots}", 0))  # shown; what a lot is worth (above) says whether it is within reach
    sme = record.get("sme_suitable")
    if sme is True:
        out.append(("sme:yes", 1))
    elif sme is False:
        out.append(("sme:no", -1))
    procedure = record.get("procedure")
    if procedure in _HARD_PROCEDURES:
        out.append((f"procedure:{_HARD_PROCEDURES[procedure]}", -1))
    elif procedure in _NOTED_PROCEDURES:
        out.append((f"procedure:{_NOTED_PROCEDURES[procedure]}", 0))
    months = record.get("duration_months")
    if isinstance(months, int | float) and months > LONG_MONTHS:
        out.append((f"duration:{months:g} months", -1))
    if record.get("framework") is True:
        out.append(("framework", 0))
    if record.get("reserved"):
        out.append((f"reserved:{record['reserved']}", -2))
    cpv = item.get("cpv") or []
    if cpv and all(str(c).startswith(_GOODS_OR_WORKS) for c in cpv):
        out.append(("cpv:works or goods", -2))
    elif cpv and str(cpv[0]).startswith(_CREATIVE_SERVICES):
        out.append(("cpv:creative services", 1))
    return out


def call_signals(text: str, family: str | None = None) -> list[tuple[str, int]]:
    """(reason, score) of a call's eligibility wording; EU Funding & Tenders topics (family sedia) fund legal
    entities, mostly in consortia, whatever their first paragraphs say."""
    folded = fold(text)
    out = [(reason, score) for pattern, reason, score in _ELIGIBILITY_RE if pattern.search(folded)]
    if family == "sedia":
        out.append(("eligibility:EU programme (legal entities)", -2))
    return out


def decide(signals: list[tuple[str, int]]) -> str:
    total = sum(score for _, score in signals)
    if any(score <= -2 for _, score in signals) and total <= -1:
        return "unlikely"
    if total >= 1:
        return "good"
    return "unlikely" if total <= -2 else "possible"


def fit_stage(item: dict[str, Any], record: dict[str, Any], text: str) -> None:
    """Sets item fit and fit_reasons for calls and tenders (None and [] otherwise)."""
    kind = item["kind"]
    if "family" not in record and "fit" in record:  # an item fed back through refine: already decided
        item["fit"], item["fit_reasons"] = record["fit"], list(record.get("fit_reasons") or [])
        return
    if kind == "tender":
        signals = tender_signals(item, record)
    elif kind == "call":
        signals = call_signals(text[:4000], record.get("family"))
    else:
        item["fit"], item["fit_reasons"] = None, []
        return
    item["fit"] = decide(signals)
    item["fit_reasons"] = [reason for reason, _ in signals]
