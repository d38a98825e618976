"""Fit for a freelancer: could one of Smart's members (who work alone or in small groups) answer this call or
bid on this tender? `fit` is good, possible or unlikely, `fit_reasons` the short reasons that decided it.

Every threshold, exchange rate, CPV rule and word family is data in config/fit.toml, whose header explains the
rules to the people who edit it. Each signal has an effect (good, unlikely, hurts, helps, shown); `decide`
combines them, and says "possible" when nothing is known: a text that says nothing about who can apply is not
evidence that a freelancer cannot.

Tenders: what the notice says (refine reads the raw fields the procurement parsers pass through, see
vigie.core.items; eForms, TED R2, e-Procurement (BOSA) and OCDS all fill them, spiders/parsers/notice_terms.py):
the estimated value of the contract and of its smallest lot (a freelancer bids on one lot), the number of lots,
SME suitability (eForms BT-726, OCDS `suitability.sme`), the procedure, the duration, a framework agreement,
procurement reserved to sheltered workshops, and the CPV codes. Calls: the eligibility wording of the title and
first paragraphs in FR/NL/EN (individual artists and freelancers, organisations only, consortia, residency and
age limits), and the source family (EU Funding & Tenders topics fund legal entities). Events and news have no fit.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from refine.fit_config import FitConfig, fit_config

CALL_TEXT_CHARS = 4000  # who can apply is said in the first paragraphs; the rest costs scan time
# An age limit is a number of years, whatever the number: "under 35 years", "moins de 30 ans", "jonger dan 35".
_AGE_BEFORE = ("under", "younger than", "below", "moins de", "jonger dan", "onder de", "tot")
_AGE_AGED = ("aged", "age de", "agee de", "ages de", "agees de")
_AGE = re.compile(
    rf"\b(?:{'|'.join(_AGE_BEFORE)}) \d{{2}} ?(?:years|ans|jaar)\b|\b(?:{'|'.join(_AGE_AGED)}) \d{{2}}\b"
)
# Python's regex engine tries every alternative at every position (10 us per call text): a text holding none of
# these words cannot match, and `in` finds that out in C.
_AGE_CUES = tuple(f"{w} " for w in (*_AGE_BEFORE, *_AGE_AGED))
# Marks no age limit spans (refine joins title and summary with ". ").
_CUTS = frozenset(".,;:!?")


def _money(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    return f"{value / 1000:.0f}k"


def _value(item: dict[str, Any], record: dict[str, Any], config: FitConfig) -> tuple[float, str] | None:
    """(value in EUR that a bidder on one lot faces, its label), or None when unknown or in an unknown currency:
    the smallest lot value given; else the total, divided by the number of lots when there are several."""
    rate = config.to_eur.get(str(item.get("budget_currency") or "EUR").upper())
    if rate is None:
        return None
    floor = config.placeholder_below
    lots = record.get("lots") if isinstance(record.get("lots"), int) else 1
    lot_values = [
        float(v) * rate
        for v in record.get("lot_values") or ()
        if isinstance(v, int | float) and not isinstance(v, bool) and v * rate >= floor
    ]
    if lot_values:
        return min(lot_values), "lot value" if len(lot_values) > 1 else "value"
    total = item.get("budget_amount")
    if not isinstance(total, int | float) or isinstance(total, bool) or total * rate < floor:
        return None
    if lots > 1:
        return total * rate / lots, "lot value"
    return total * rate, "value"


def tender_signals(
    item: dict[str, Any], record: dict[str, Any], config: FitConfig | None = None
) -> list[tuple[str, str]]:
    """(reason, effect) of a tender's notice fields."""
    config = config or fit_config()
    out: list[tuple[str, str]] = []
    found = _value(item, record, config)
    if found is not None:
        value, label = found
        if value > config.large:
            out.append((f"{label}>{_money(config.large)} EUR", "rules out"))
        elif value > config.small:  # within reach of a small team, not of one freelancer alone
            out.append((f"{label}:{_money(value)} EUR", "shown"))
        else:
            out.append((f"{label}<={_money(config.small)} EUR", "helps"))
    lots = record.get("lots")
    if isinstance(lots, int) and lots > 1:
        out.append((f"lots:{lots}", "shown"))  # what a lot is worth (above) says whether it is within reach
    sme = record.get("sme_suitable")
    if sme is True:
        out.append(("sme:yes", "helps"))
    elif sme is False:
        out.append(("sme:no", "hurts"))
    procedure = config.procedures.get(str(record.get("procedure")))
    if procedure is not None:
        out.append((f"procedure:{procedure[0]}", procedure[1]))
    months = record.get("duration_months")
    if isinstance(months, int | float) and months > config.long_months:
        out.append((f"duration:{months:g} months", "hurts"))
    if record.get("framework") is True:
        out.append(("framework", "shown"))
    if record.get("reserved"):
        out.append((f"reserved:{record['reserved']}", "rules out"))
    cpv = [str(c) for c in item.get("cpv") or []]
    for rule in config.cpv:
        if cpv and (
            all(c.startswith(rule.codes) for c in cpv) if rule.every_code else cpv[0].startswith(rule.codes)
        ):
            out.append((f"cpv:{rule.reason}", rule.effect))
    if not cpv:  # no codes: the title says whether it buys goods or works
        out.extend(
            (f"text:{hit.tag}", config.effects[hit.tag])
            for hit in sorted(config.tender_words.hits_of(str(item.get("title") or "")))
        )
    return out


def call_signals(
    text: str, family: str | None = None, config: FitConfig | None = None, *, title: str | None = None
) -> list[tuple[str, str]]:
    """(reason, effect) of a call's eligibility wording and source family, in the order of config/fit.toml.
    `title`: the title `text` starts with (refine's texts do), whose words are then matched apart from the rest,
    which other items share (same answer, cached)."""
    config = config or fit_config()
    text = text[:CALL_TEXT_CHARS]
    rest = text[len(title) :] if title and len(title) < len(text) and text.startswith(title) else None
    if rest is not None:
        hits = config.call_words.hits_of_joined(title or "", rest)
    else:
        hits = config.call_words.hits_of(text)
    found = {hit.tag for hit in hits}
    out = [(reason, effect) for reason, effect in config.effects.items() if reason in found]
    if "eligibility:age limit" not in found and _age_limit(text, title, rest):
        out.append(("eligibility:age limit", "shown"))
    if family in config.families:
        out.append(config.families[family])
    # "aucune candidature individuelle" also names individuals: the rule-out wins and the praise is not shown
    if any(effect == "rules out" for _, effect in out):
        out = [(reason, effect) for reason, effect in out if effect != "good"]
    return out


def _age_limit(text: str, title: str | None, rest: str | None) -> bool:
    """An age limit in `text`; when it is `title` + `rest` cut at a punctuation mark (which no age limit spans),
    the halves are read apart and the rest's answer is kept, as other items share it."""
    if not title or not rest or rest[0] not in _CUTS:
        return _says_age(text.lower())
    if _says_age(title.lower()):
        return True
    return _rest_says_age(rest)


@lru_cache(maxsize=50_000)  # the text after a title: other items share it
def _rest_says_age(rest: str) -> bool:
    return _says_age(rest.lower())


def _says_age(lowered: str) -> bool:
    return any(cue in lowered for cue in _AGE_CUES) and _AGE.search(lowered) is not None


def decide(signals: list[tuple[str, str]]) -> str:
    """good, possible or unlikely from the effects of the signals (config/fit.toml's header says it in words)."""
    effects = Counter(effect for _, effect in signals)
    if effects["rules out"]:
        return "unlikely"
    if effects["unlikely"]:
        return "possible" if effects["good"] else "unlikely"
    if effects["good"]:
        return "possible" if effects["hurts"] > effects["helps"] else "good"
    if effects["hurts"] - effects["helps"] >= 2:
        return "unlikely"
    return "possible"


def fit_stage(item: dict[str, Any], record: dict[str, Any], text: str) -> None:
    """Sets item fit and fit_reasons for calls and tenders (None and [] otherwise)."""
    kind = item["kind"]
    if "family" not in record and "fit" in record:  # an item fed back through refine: already decided
        item["fit"], item["fit_reasons"] = record["fit"], list(record.get("fit_reasons") or [])
        return
    if kind == "tender":
        signals = tender_signals(item, record)
    elif kind == "call":
        signals = call_signals(text, record.get("family"), title=item["title"])
    else:
        item["fit"], item["fit_reasons"] = None, []
        return
    item["fit"] = decide(signals)
    item["fit_reasons"] = [reason for reason, _ in signals]
