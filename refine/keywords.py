"""Keyword matching for the sector taxonomy (config/sectors.toml) and the kind vocabulary (config/kinds.toml).

Both files write keywords the same way (sectors.toml's header explains it): whole words with light plural
tolerance, "photograph*" (any ending), "*fotograaf" (any beginning, for compounds) and phrases. A text is folded
(lower case, no accents) and cut into word tokens once; what it holds is the set of keyword ids it matches.

Speed, measured on refine's benchmark mix (bench/refine.py): one regex alternation of every keyword ran at about
300 texts/s (Python's engine tries each alternative at each position), a loop over tokens at about 10,000.
Here the work is set operations done in C: tokens never seen before are looked up once (exact word, prefix and
suffix tables) and remembered, either in the set of tokens that match something or in the set of those that
match nothing; a text's matches are then `distinct tokens & matching tokens`. Phrases are searched only when
their first word is among the text's tokens, each with one literal-prefixed regex over the joined tokens.
Results are cached per sentence: sources repeat the same summaries, and TED repeats them across languages.
An item's title is scanned by several matchers (kind, sectors, fit): its tokens are kept for the next one
(`tokens_of`), and a text that is a title followed by a cached summary is matched in two cached halves
(`hits_of_joined`), only the phrases that could straddle the cut being searched again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from vigie.core.text import fold

# Light plural tolerance for keywords without a '*': concert -> concerts/concerten, atelier -> ateliers.
ENDINGS = ("", "s", "x", "es", "en")
_TOKEN = re.compile(r"[a-z0-9]+")
_CACHE_LIMIT = 100_000  # distinct sentences remembered; a pathological corpus must not grow it forever
_TOKEN_LIMIT = 500_000
# Characters that fold to no letter or digit: a text cut next to one of them tokenises as its two halves do.
_SEPARATORS = frozenset(" .,;:!?()[]{}'\"/\n\t-")
# Words read in some texts only (sectors.toml `event` lists and `occasions`): a tag starting with ONLY_IN_EVENTS
# ("%music") is its tag's ("music") in an event's text and nothing elsewhere, NOT_IN_EVENTS ("@events") the
# other way round. WEAK_IN_EVENTS ("^education-training", sectors.toml `weak_in_events`) is a plain keyword of its
# tag outside events and a weak one (1 point, naming nothing) in an event.
ONLY_IN_EVENTS = "%"
NOT_IN_EVENTS = "@"
WEAK_IN_EVENTS = "^"
_MARKS = (ONLY_IN_EVENTS, NOT_IN_EVENTS, WEAK_IN_EVENTS)
# The last text tokenised, its tokens and their set (one entry, replaced whole).
_last_tokens: tuple[str, list[str], frozenset[str]] = ("", [], frozenset())


def folded_words(text: str) -> list[str]:
    """The word tokens of `text`, folded (lower case, no accents): how every matcher here reads a text."""
    return _TOKEN.findall(fold(text))


def tokens_of(text: str) -> tuple[list[str], frozenset[str]]:
    """The folded word tokens of `text` and their set (do not modify them): the last text's are reused, as the
    kind, sector and fit matchers read the same title one after the other."""
    global _last_tokens
    last = _last_tokens
    if last[0] is not text and last[0] != text:
        tokens = folded_words(text)
        last = _last_tokens = (text, tokens, frozenset(tokens))
    return last[1], last[2]


class Hit(NamedTuple):
    """One keyword found in a text: its tag (sector id, kind...), the keyword (folded words), strong or not."""

    tag: str
    word: str
    strong: bool


def keyword_words(keyword: str) -> tuple[list[str], bool, bool]:
    """(folded words, any beginning?, any ending?) of one keyword as written in the config file."""
    text = fold(keyword.strip())
    words = _TOKEN.findall(text)
    if not words:
        raise ValueError(f"keyword {keyword!r} has no letters or digits")
    leading, trailing = text.startswith("*"), text.endswith("*")
    if leading and (trailing or len(words) > 1):
        raise ValueError(f"keyword {keyword!r}: a leading * only works on a single word without a trailing *")
    return words, leading, trailing


def _phrase_pattern(words: list[str], trailing: bool) -> re.Pattern[str]:
    # Tokens are joined by single spaces with a space at each end, so " w1 w2 " is a word-aligned match.
    last = r"[a-z0-9]*" if trailing else "(?:" + "|".join(e for e in ENDINGS if e) + ")?"
    return re.compile(" " + " ".join(words) + last + " ")


@dataclass
class KeywordTables:
    """Keyword lists ({lang: [keyword, ...]} per tag) being compiled into a KeywordMatcher. A match is a `Hit`
    (tag, the keyword as written, folded, strong?): "concert" and "concerts" are one piece of evidence, and so
    is a word listed in two languages."""

    exact: dict[str, set[Hit]] = field(default_factory=dict)  # token -> the keywords it is (plurals included)
    prefixes: dict[str, set[Hit]] = field(default_factory=dict)
    suffixes: dict[str, set[Hit]] = field(default_factory=dict)
    phrases: dict[str, list[tuple[re.Pattern[str], Hit]]] = field(default_factory=dict)

    def add(
        self, tag: str, keywords: object, where: str, error: type[Exception], *, strong: bool = False
    ) -> None:
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
                hit = Hit(tag, " ".join(words), strong)
                if len(words) > 1:
                    self.phrases.setdefault(words[0], []).append((_phrase_pattern(words, trailing), hit))
                elif leading:
                    self.suffixes.setdefault(words[0], set()).add(hit)
                elif trailing:
                    self.prefixes.setdefault(words[0], set()).add(hit)
                else:
                    for ending in ENDINGS:
                        self.exact.setdefault(words[0] + ending, set()).add(hit)

    def compiled(self) -> dict[str, Any]:
        """The keyword argument of Taxonomy (refine.sectors) that holds these tables."""
        return {"matcher": KeywordMatcher(self)}


class KeywordMatcher:
    """The compiled tables: `hits_of(text)` is the frozenset of Hits a text holds (cached per sentence)."""

    def __init__(self, tables: KeywordTables) -> None:
        self._exact = {k: frozenset(v) for k, v in tables.exact.items()}
        self._prefixes = {k: frozenset(v) for k, v in tables.prefixes.items()}
        self._suffixes = {k: frozenset(v) for k, v in tables.suffixes.items()}
        # A new token is looked up only at the lengths of the keywords sharing its first (last) letters.
        self._head = min(map(len, self._prefixes), default=0)
        self._prefix_lengths = _lengths_by_end(self._prefixes, lambda p: p[: self._head])
        self._tail = min(map(len, self._suffixes), default=0)
        self._suffix_lengths = _lengths_by_end(self._suffixes, lambda p: p[-self._tail :])
        # start -> (pattern, hit, the phrase's words but the last): a text lacking one of these cannot match it,
        # whose last word may carry an ending
        self._phrases = {
            k: tuple((pattern, hit, frozenset(hit.word.split()[:-1])) for pattern, hit in v)
            for k, v in tables.phrases.items()
        }
        self._phrase_starts = frozenset(self._phrases)
        # A phrase that straddles a cut starts within this many tokens of its end (hits_of_joined).
        self._edge = max((hit.word.count(" ") for v in self._phrases.values() for _, hit, _ in v), default=0)
        self._verdicts: dict[str, frozenset[Hit]] = {}  # token -> its hits, for tokens matching some keyword
        self._matching: set[str] = set()
        self._seen: set[str] = set()  # every token looked up (matching or not)
        # text -> (its hits, its first and last tokens within a phrase's reach of its ends)
        self._cache: dict[str, tuple[frozenset[Hit], tuple[str, ...], tuple[str, ...]]] = {}

    def _learn(self, tokens: set[str]) -> None:
        if len(self._seen) > _TOKEN_LIMIT:
            self._seen.clear()
            self._matching.clear()
            self._verdicts.clear()
        head, tail, no_lengths = self._head, self._tail, ()
        for token in tokens:
            found = set(self._exact.get(token, ()))
            size = len(token)
            for n in self._prefix_lengths.get(token[:head], no_lengths) if head else no_lengths:
                if n > size:
                    break
                found.update(self._prefixes.get(token[:n], ()))
            for n in self._suffix_lengths.get(token[-tail:], no_lengths) if tail else no_lengths:
                if n + 3 > size:  # a compound head needs a modifier of 3+ letters: "*muziek" is not "muziek"
                    break
                found.update(self._suffixes.get(token[-n:], ()))
            if found:
                self._verdicts[token] = _one_per_tag(found)
                self._matching.add(token)
        self._seen.update(tokens)

    def _token_hits(self, tokens: list[str], distinct: frozenset[str]) -> frozenset[Hit]:
        new = distinct - self._seen
        if new:
            self._learn(new)
        matching = distinct & self._matching
        # The union of the matching tokens' verdicts, in one call (C loops instead of one update per token).
        found: set[Hit] = set().union(*map(self._verdicts.__getitem__, matching)) if matching else set()
        starts = distinct & self._phrase_starts
        if starts:
            found.update(self._phrase_hits(tokens, starts, distinct))
        return frozenset(found)

    def _phrase_hits(
        self, tokens: list[str] | tuple[str, ...], starts: frozenset[str], distinct: frozenset[str]
    ) -> list[Hit]:
        candidates = [
            (pattern, hit)
            for start in starts
            for pattern, hit, inner in self._phrases[start]
            if inner <= distinct
        ]
        if not candidates:
            return []
        joined = f" {' '.join(tokens)} "
        return [hit for pattern, hit in candidates if pattern.search(joined)]

    def _entry(self, text: str) -> tuple[frozenset[Hit], tuple[str, ...], tuple[str, ...]]:
        entry = self._cache.get(text)
        if entry is None:
            tokens, distinct = tokens_of(text)
            edge = self._edge
            ends = (tuple(tokens[:edge]), tuple(tokens[-edge:])) if edge else ((), ())
            entry = (self._token_hits(tokens, distinct), *ends)
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache[text] = entry
        return entry

    def hits_of(self, text: str) -> frozenset[Hit]:
        """The keywords found in `text` (whole words and phrases), cached per distinct text."""
        return self._entry(text)[0]

    def hits_of_joined(self, head: str, tail: str) -> frozenset[Hit]:
        """hits_of(head + tail), each half cached on its own (a title, then a summary other titles share)."""
        if head and tail and head[-1] not in _SEPARATORS and tail[0] not in _SEPARATORS:
            return self.hits_of(head + tail)  # the cut may be inside a word
        found, _, last = self._entry(head)
        after, first, _ = self._entry(tail)
        found = found | after
        starts = self._phrase_starts.intersection(last)
        if starts and first:
            # Phrases found wholly on one side are found again: harmless in a set.
            window = last + first
            found = found.union(self._phrase_hits(window, starts, frozenset(window)))
        return found


def _lengths_by_end(
    table: dict[str, frozenset[Hit]], end: Callable[[str], str]
) -> dict[str, tuple[int, ...]]:
    """end of a keyword (its first or last letters) -> the lengths, shortest first, of the keywords ending so."""
    lengths: dict[str, set[int]] = {}
    for keyword in table:
        lengths.setdefault(end(keyword), set()).add(len(keyword))
    return {k: tuple(sorted(v)) for k, v in lengths.items()}


def _one_per_tag(hits: set[Hit]) -> frozenset[Hit]:
    """One hit per tag for a token several keywords match ("psycholog*" in French, "psycholo*" in Dutch): one
    word of the text is one piece of evidence. The shortest keyword stands for them (plural forms then agree)."""
    best: dict[str, Hit] = {}
    for hit in sorted(hits, key=lambda h: (len(h.word), h.word)):
        kept = best.get(hit.tag)
        if kept is None:
            best[hit.tag] = hit
        elif hit.strong and not kept.strong:
            best[hit.tag] = kept._replace(strong=True)
    return frozenset(best.values())


def points_of(
    in_title: frozenset[Hit], found: frozenset[Hit], *, event: bool
) -> tuple[dict[Hit, int], set[str]]:
    """Hit -> its points (2 in the title or strong, else 1) and the tags named in the title, the text being an
    event's or not (ONLY_IN_EVENTS, NOT_IN_EVENTS, WEAK_IN_EVENTS). An only-in-events word that is not strong is
    weak: 1 point even in the title ("Visite découverte" is no heritage by itself), and so is a weak-in-events word
    in an event ("Atelier de vannerie" is no training). Neither makes the title name its tag, nor does a
    not-in-events word: "Interprétation lors des conférences" under an interpretation code is no events work
    (sectors.py adds a sector beside CPV codes, or to news, only when the title names it). A word listed twice (a
    keyword and an only-in-events strong one) is one hit, at its best points."""
    hits = found | in_title
    if not any(hit.tag[0] in _MARKS for hit in hits):
        return {hit: 2 if hit.strong or hit in in_title else 1 for hit in hits}, {hit.tag for hit in in_title}
    points: dict[Hit, int] = {}
    titled: set[str] = set()
    for part, in_t in ((found, False), (in_title, True)):
        for hit in part:
            mark = hit.tag[0] if hit.tag[0] in _MARKS else ""
            if mark in (ONLY_IN_EVENTS, NOT_IN_EVENTS) and (mark == ONLY_IN_EVENTS) != event:
                continue
            plain = not mark or (mark == WEAK_IN_EVENTS and not event)
            weak = not hit.strong and (mark == ONLY_IN_EVENTS or (mark == WEAK_IN_EVENTS and event))
            if mark:
                hit = Hit(hit.tag[1:], hit.word, hit.strong)
            key = hit._replace(strong=False)
            points[key] = max(points.get(key, 0), 2 if hit.strong or (in_t and not weak) else 1)
            if in_t and plain:
                titled.add(hit.tag)
    return points, titled


def count_tags(hits: frozenset[Hit]) -> dict[str, int]:
    """Tag -> how many distinct words or phrases of that tag are among `hits`."""
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.tag] = counts.get(hit.tag, 0) + 1
    return counts
