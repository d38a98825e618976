"""Sector tags from the taxonomy in config/sectors.toml: CPV prefixes first, keywords otherwise.

The taxonomy is data a non-programmer edits (its header explains the keyword syntax). Everything is compiled
once per process into a prefix table for CPV codes and word tables for keywords (all sectors and languages),
so tagging an item is one tokenising pass over its text plus dict lookups. (One big regex alternation of all
keywords was measured first: about 300 texts/s, far too slow, because Python's regex engine tries every
alternative at every position.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from vigie.core.config import load_toml
from vigie.core.errors import SectorsConfigError
from vigie.core.paths import CONFIG_DIR
from vigie.core.text import fold

# Long texts (every language of a cluster) are cut: the title and first paragraphs carry the sector, and the
# scan cost grows with length.
MAX_SCAN_CHARS = 4000
# Light plural tolerance for keywords without a '*': concert -> concerts/concerten, atelier -> ateliers.
_ENDINGS = ("", "s", "x", "es", "en")


_TOKEN = re.compile(r"[a-z0-9]+")


def keyword_words(keyword: str) -> tuple[list[str], bool, bool]:
    """(folded words, any beginning?, any ending?) of one keyword as written in sectors.toml."""
    text = fold(keyword.strip())
    words = _TOKEN.findall(text)
    if not words:
        raise ValueError(f"keyword {keyword!r} has no letters or digits")
    leading, trailing = text.startswith("*"), text.endswith("*")
    if leading and (trailing or len(words) > 1):
        raise ValueError(f"keyword {keyword!r}: a leading * only works on a single word without a trailing *")
    return words, leading, trailing


@dataclass(frozen=True)
class _Phrase:
    rest: tuple[str, ...]  # words after the first one
    trailing: bool
    sectors: tuple[str, ...]


@dataclass
class Taxonomy:
    """Compiled sectors.toml. Keyword matching works on word tokens: exact words (with plural endings
    pre-expanded), prefixes ("photograph*"), compound heads ("*fotograaf") and multi-word phrases. Each distinct
    token's verdict is memoised: vocabularies are small, so most tokens cost one dict lookup."""

    ids: tuple[str, ...]
    cpv: dict[str, tuple[str, ...]]  # prefix -> sector ids
    cpv_lengths: tuple[int, ...]
    cpv_without_keywords: tuple[str, ...]
    exact: dict[str, frozenset[str]]
    prefixes: dict[str, frozenset[str]]
    suffixes: dict[str, frozenset[str]]
    phrases: dict[str, tuple[_Phrase, ...]]  # first word -> phrases starting with it
    _memo: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._prefix_lengths = sorted({len(p) for p in self.prefixes})
        self._suffix_lengths = sorted({len(p) for p in self.suffixes})
        self._phrase_starts = frozenset(self.phrases)

    def sectors_of_cpv(self, codes: list[str]) -> set[str]:
        found: set[str] = set()
        for code in codes:
            digits = str(code)[:8]
            for n in self.cpv_lengths:
                found.update(self.cpv.get(digits[:n], ()))
        return found

    def keywords_apply(self, codes: list[str]) -> bool:
        """False when every CPV code is building works or goods: their text says nothing about our sectors."""
        if not codes or not self.cpv_without_keywords:
            return True
        return not all(str(c).startswith(self.cpv_without_keywords) for c in codes)

    def _token(self, token: str) -> frozenset[str]:
        found = set(self.exact.get(token, ()))
        size = len(token)
        for n in self._prefix_lengths:
            if n > size:
                break
            found.update(self.prefixes.get(token[:n], ()))
        for n in self._suffix_lengths:
            if n + 3 > size:
                break
            found.update(self.suffixes.get(token[-n:], ()))
        verdict = frozenset(found)
        if len(self._memo) > 500_000:  # bounded: a pathological corpus must not grow it forever
            self._memo.clear()
        self._memo[token] = verdict
        return verdict

    def sectors_of_text(self, text: str) -> set[str]:
        if not text:
            return set()
        tokens = _TOKEN.findall(fold(text[:MAX_SCAN_CHARS]))
        distinct = set(tokens)
        verdicts = list(map(self._memo.get, distinct))
        if None in verdicts:
            verdicts = [self._token(t) if v is None else v for t, v in zip(distinct, verdicts, strict=True)]
        found: set[str] = set().union(*verdicts)
        if not distinct.isdisjoint(self._phrase_starts):
            for i, token in enumerate(tokens):
                for phrase in self.phrases.get(token, ()):
                    if _phrase_at(tokens, i + 1, phrase):
                        found.update(phrase.sectors)
        return found


def _word_matches(token: str, word: str, trailing: bool) -> bool:
    if trailing:
        return token.startswith(word)
    return token == word or (token.startswith(word) and token[len(word) :] in _ENDINGS)


def _phrase_at(tokens: list[str], start: int, phrase: _Phrase) -> bool:
    rest = phrase.rest
    if start + len(rest) > len(tokens):
        return False
    for j, word in enumerate(rest[:-1]):
        if tokens[start + j] != word:
            return False
    return _word_matches(tokens[start + len(rest) - 1], rest[-1], phrase.trailing)


def _load(path: Path) -> Taxonomy:
    data = load_toml(path, SectorsConfigError, "file not found (the sector taxonomy lives there)")
    sectors = data.get("sector")
    if not isinstance(sectors, list) or not sectors:
        raise SectorsConfigError(f"{path}: no [[sector]] blocks")

    ids: list[str] = []
    cpv: dict[str, list[str]] = {}
    exact: dict[str, set[str]] = {}
    prefixes: dict[str, set[str]] = {}
    suffixes: dict[str, set[str]] = {}
    phrases: dict[str, list[_Phrase]] = {}
    for n, sector in enumerate(sectors, 1):
        sid = sector.get("id")
        if not isinstance(sid, str) or not re.fullmatch(r"[a-z0-9-]+", sid):
            raise SectorsConfigError(
                f"{path}: [[sector]] #{n}: id {sid!r} must be lower-case letters, digits, '-'"
            )
        if sid in ids:
            raise SectorsConfigError(f"{path}: sector {sid!r} is defined twice")
        ids.append(sid)
        for prefix in sector.get("cpv", []):
            prefix = str(prefix).split("-")[0].strip()
            if not prefix.isdigit() or not 2 <= len(prefix) <= 8:
                raise SectorsConfigError(
                    f"{path}: sector {sid!r}: cpv prefix {prefix!r} should be 2 to 8 digits"
                )
            cpv.setdefault(prefix, []).append(sid)
        keywords = sector.get("keywords", {})
        if not isinstance(keywords, dict):
            raise SectorsConfigError(
                f"{path}: sector {sid!r}: keywords should be {{ fr = [...], nl = [...], en = [...] }}"
            )
        for lang, words in keywords.items():
            if not isinstance(words, list):
                raise SectorsConfigError(f"{path}: sector {sid!r}: keywords.{lang} should be a list of words")
            for word in words:
                try:
                    words, leading, trailing = keyword_words(str(word))
                except ValueError as exc:
                    raise SectorsConfigError(f"{path}: sector {sid!r}: keywords.{lang}: {exc}") from None
                if len(words) > 1:
                    phrases.setdefault(words[0], []).append(_Phrase(tuple(words[1:]), trailing, (sid,)))
                elif leading:
                    suffixes.setdefault(words[0], set()).add(sid)
                elif trailing:
                    prefixes.setdefault(words[0], set()).add(sid)
                else:
                    for ending in _ENDINGS:
                        exact.setdefault(words[0] + ending, set()).add(sid)

    no_keywords = tuple(str(p) for p in data.get("cpv_without_keywords", []))
    return Taxonomy(
        ids=tuple(ids),
        cpv={k: tuple(v) for k, v in cpv.items()},
        cpv_lengths=tuple(sorted({len(k) for k in cpv})),
        cpv_without_keywords=no_keywords,
        exact={k: frozenset(v) for k, v in exact.items()},
        prefixes={k: frozenset(v) for k, v in prefixes.items()},
        suffixes={k: frozenset(v) for k, v in suffixes.items()},
        phrases={k: tuple(v) for k, v in phrases.items()},
    )


_taxonomy: Taxonomy | None = None


def taxonomy(path: Path | None = None) -> Taxonomy:
    """The compiled taxonomy of config/sectors.toml (loaded once; pass `path` to load another file)."""
    global _taxonomy
    if path is not None:
        return _load(path)
    if _taxonomy is None:
        _taxonomy = _load(CONFIG_DIR / "sectors.toml")
    return _taxonomy


def _cpv_codes(cpv: list[str]) -> list[str]:
    codes = []
    for code in cpv or ():
        digits = str(code).strip().split("-")[0]
        if digits.isdigit():
            codes.append(digits)
    return codes


def tag_sectors(text: str, cpv: list[str], defaults: list[str]) -> list[str]:
    """Sector ids for an item: the registry `defaults`, plus CPV sectors, else keyword sectors of `text`.

    Returned in taxonomy order (defaults unknown to the taxonomy are kept, at the end).
    """
    tax = taxonomy()
    codes = _cpv_codes(cpv)
    found = tax.sectors_of_cpv(codes)
    if not found and tax.keywords_apply(codes):
        found = tax.sectors_of_text(text)
    found.update(d for d in defaults if d)
    ordered = [sid for sid in tax.ids if sid in found]
    ordered += sorted(found.difference(tax.ids))
    return ordered
