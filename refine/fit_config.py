"""config/fit.toml compiled for refine.fit: thresholds, exchange rates, procedure and CPV rules, and the word
families of calls and tender titles (matched as config/sectors.toml's keywords are, refine.keywords).

The file is written for people who are not programmers; its header explains every effect. A malformed file
stops refine with one line naming the file and the entry, not a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refine.keywords import KeywordMatcher, KeywordTables
from vigie.core.config import compiled_once, load_toml
from vigie.core.errors import SectorsConfigError

EFFECTS = ("rules out", "good", "unlikely", "hurts", "helps", "shown")


@dataclass(frozen=True)
class CpvRule:
    reason: str
    effect: str
    codes: tuple[str, ...]
    every_code: bool  # which = "all": every code of the notice must match; else its main (first) code


@dataclass(frozen=True)
class FitConfig:
    small: float
    large: float
    placeholder_below: float
    long_months: float
    to_eur: dict[str, float]
    procedures: dict[str, tuple[str, str]]  # eForms code -> (reason, effect)
    cpv: tuple[CpvRule, ...]
    families: dict[str, tuple[str, str]]  # parser family -> (reason, effect)
    call_words: KeywordMatcher  # tags are reasons
    tender_words: KeywordMatcher
    effects: dict[str, str]  # reason of a word family -> its effect


def _effect(entry: dict[str, Any], where: str) -> tuple[str, str]:
    reason, effect = entry.get("reason"), entry.get("effect")
    if not isinstance(reason, str) or not reason:
        raise SectorsConfigError(f"{where}: `reason` should be a short text")
    if effect not in EFFECTS:
        raise SectorsConfigError(f"{where}: `effect` should be one of {', '.join(EFFECTS)}, not {effect!r}")
    return reason, effect


def _number(section: dict[str, Any], key: str, path: Path) -> float:
    value = section.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise SectorsConfigError(f"{path}: [values] {key} should be a number of euros or months")
    return float(value)


def _words(blocks: list[dict[str, Any]], path: Path, name: str, effects: dict[str, str]) -> KeywordMatcher:
    tables = KeywordTables()
    for i, block in enumerate(blocks):
        where = f"{path}: {name} #{i + 1}"
        if not isinstance(block, dict):
            raise SectorsConfigError(f"{where} should be a table with reason, effect and words")
        reason, effect = _effect(block, where)
        if effects.get(reason, effect) != effect:
            raise SectorsConfigError(f"{where}: reason {reason!r} is listed twice with different effects")
        effects[reason] = effect
        tables.add(reason, block.get("words", {}), f"{where} words", SectorsConfigError)
    return tables.compiled()["matcher"]


def load(path: Path) -> FitConfig:
    data = load_toml(
        path, SectorsConfigError, "file not found (fit thresholds and eligibility words live there)"
    )
    values = data.get("values")
    if not isinstance(values, dict):
        raise SectorsConfigError(f"{path}: no [values] table (small, large, placeholder_below, long_months)")
    rates = values.get("to_eur", {})
    if not isinstance(rates, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in rates.values()
    ):
        raise SectorsConfigError(f"{path}: [values.to_eur] should map currency codes to positive rates")
    procedures = {
        str(code): _effect(entry, f"{path}: [procedures] {code}")
        for code, entry in (data.get("procedures") or {}).items()
    }
    families = {
        str(name): _effect(entry, f"{path}: [families] {name}")
        for name, entry in (data.get("families") or {}).items()
    }
    rules = []
    for i, entry in enumerate(data.get("cpv") or []):
        where = f"{path}: [[cpv]] #{i + 1}"
        reason, effect = _effect(entry, where)
        codes = entry.get("codes")
        if not isinstance(codes, list) or not codes or not all(str(c).isdigit() for c in codes):
            raise SectorsConfigError(f"{where}: `codes` should be a list of CPV code beginnings (digits)")
        if entry.get("which") not in ("all", "main"):
            raise SectorsConfigError(f'{where}: `which` should be "all" or "main"')
        rules.append(CpvRule(reason, effect, tuple(str(c) for c in codes), entry["which"] == "all"))
    effects: dict[str, str] = {}
    tender_words = data.get("tender_words")
    return FitConfig(
        small=_number(values, "small", path),
        large=_number(values, "large", path),
        placeholder_below=_number(values, "placeholder_below", path),
        long_months=_number(values, "long_months", path),
        to_eur={str(k).upper(): float(v) for k, v in rates.items()},
        procedures=procedures,
        cpv=tuple(rules),
        families=families,
        call_words=_words(data.get("call_words") or [], path, "[[call_words]]", effects),
        tender_words=_words([tender_words] if tender_words else [], path, "[tender_words]", effects),
        effects=effects,
    )


# The compiled config/fit.toml (compiled once; pass `path` to compile another file).
fit_config = compiled_once("fit.toml", load)
