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
from typing import Any

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


def text_tokens(text: str) -> list[str]:
    """The folded word tokens keywords are matched against (the first MAX_SCAN_CHARS characters)."""
    return _TOKEN.findall(fold(text[:MAX_SCAN_CHARS]))


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
    off_topic: Taxonomy | None = None  # words of texts about none of the sectors (sectors.toml `off_topic`)
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
        return set(self.sector_hits(text))

    def sector_hits(self, text: str) -> dict[str, int]:
        """Sector id -> how many distinct keywords (words and phrases) of that sector the text holds."""
        return self.hits_of(text_tokens(text)) if text else {}

    def hits_of(self, tokens: list[str]) -> dict[str, int]:
        """sector_hits of an already tokenised text (text_tokens), so several tables can share one pass."""
        if not tokens:
            return {}
        distinct = set(tokens)
        verdicts = list(map(self._memo.get, distinct))
        if None in verdicts:
            verdicts = [self._token(t) if v is None else v for t, v in zip(distinct, verdicts, strict=True)]
        hits: dict[str, int] = {}
        for verdict in verdicts:
            for sid in verdict:
                hits[sid] = hits.get(sid, 0) + 1
        if not distinct.isdisjoint(self._phrase_starts):
            for i, token in enumerate(tokens):
                for phrase in self.phrases.get(token, ()):
                    if _phrase_at(tokens, i + 1, phrase):
                        for sid in phrase.sectors:
                            hits[sid] = hits.get(sid, 0) + 1
        return hits


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


@dataclass
class KeywordTables:
    """Keyword lists ({lang: [keyword, ...]} per id) being compiled into Taxonomy's word tables; shared by the
    sector taxonomy and the kind vocabulary (refine.kind), which use the same keyword syntax."""

    exact: dict[str, set[str]] = field(default_factory=dict)
    prefixes: dict[str, set[str]] = field(default_factory=dict)
    suffixes: dict[str, set[str]] = field(default_factory=dict)
    phrases: dict[str, list[_Phrase]] = field(default_factory=dict)

    def add(self, tag: str, keywords: object, where: str, error: type[Exception]) -> None:
        """Add {lang: [keyword, ...]} for `tag`; `error(where...)` names a bad entry."""
        if not isinstance(keywords, dict):
            raise error(f"{where} should be {{ fr = [...], nl = [...], en = [...] }}")
        for lang, entries in keywords.items():
            if not isinstance(entries, list):
                raise error(f"{where}.{lang} should be a list of words")
            for entry in entries:
                try:
                    words, leading, trailing = keyword_words(str(entry))
                except ValueError as exc:
                    raise error(f"{where}.{lang}: {exc}") from None
                if len(words) > 1:
                    self.phrases.setdefault(words[0], []).append(_Phrase(tuple(words[1:]), trailing, (tag,)))
                elif leading:
                    self.suffixes.setdefault(words[0], set()).add(tag)
                elif trailing:
                    self.prefixes.setdefault(words[0], set()).add(tag)
                else:
                    for ending in _ENDINGS:
                        self.exact.setdefault(words[0] + ending, set()).add(tag)

    def compiled(self) -> dict[str, Any]:
        """The word-table arguments of Taxonomy."""
        return {
            "exact": {k: frozenset(v) for k, v in self.exact.items()},
            "prefixes": {k: frozenset(v) for k, v in self.prefixes.items()},
            "suffixes": {k: frozenset(v) for k, v in self.suffixes.items()},
            "phrases": {k: tuple(v) for k, v in self.phrases.items()},
        }


def _load(path: Path) -> Taxonomy:
    data = load_toml(path, SectorsConfigError, "file not found (the sector taxonomy lives there)")
    sectors = data.get("sector")
    if not isinstance(sectors, list) or not sectors:
        raise SectorsConfigError(f"{path}: no [[sector]] blocks")

    ids: list[str] = []
    cpv: dict[str, list[str]] = {}
    words = KeywordTables()
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
        words.add(sid, sector.get("keywords", {}), f"{path}: sector {sid!r}: keywords", SectorsConfigError)

    no_keywords = tuple(str(p) for p in data.get("cpv_without_keywords", []))
    off = KeywordTables()
    off.add("off-topic", data.get("off_topic", {}), f"{path}: off_topic", SectorsConfigError)
    off_topic = Taxonomy(
        ids=("off-topic",), cpv={}, cpv_lengths=(), cpv_without_keywords=(), **off.compiled()
    )
    return Taxonomy(
        ids=tuple(ids),
        cpv={k: tuple(v) for k, v in cpv.items()},
        cpv_lengths=tuple(sorted({len(k) for k in cpv})),
        cpv_without_keywords=no_keywords,
        off_topic=off_topic,
        **words.compiled(),
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


def tag_sectors(
    text: str, cpv: list[str], defaults: list[str], *, title: str | None = None, news: bool = False
) -> list[str]:
    """Sector ids for an item, in taxonomy order (defaults unknown to the taxonomy are kept, at the end).

    CPV sectors decide when a tender's codes give any. Otherwise keywords of `text`: a sector named in the
    `title` is kept, one named elsewhere needs two distinct keywords or the source's support (`defaults`);
    a text about none of Smart's trades (sectors.toml `off_topic`: football, betting, share prices...) gets
    no keyword sector. The source's `defaults` are a weak prior: kept for opportunities, not for news
    (a football report in a culture feed is not culture). Without `title`, every keyword of `text` counts."""
    tax = taxonomy()
    codes = _cpv_codes(cpv)
    found = tax.sectors_of_cpv(codes)
    if not found and tax.keywords_apply(codes):
        tokens = text_tokens(text)
        hits = tax.hits_of(tokens)
        if hits and tax.off_topic is not None and tax.off_topic.hits_of(tokens):
            hits = {}
        in_title = set(hits) if title is None else tax.sectors_of_text(title)
        found = {s for s, n in hits.items() if s in in_title or n >= 2 or s in defaults}
    if not news:
        found.update(d for d in defaults if d)
    ordered = [sid for sid in tax.ids if sid in found]
    ordered += sorted(found.difference(tax.ids))
    return ordered
