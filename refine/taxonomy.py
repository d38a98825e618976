"""The sector taxonomy of config/sectors.toml, compiled once per process, and the evidence a text gives.

The taxonomy is data a non-programmer edits (its header explains the keyword syntax and the evidence rule).
Compiled, it is a prefix table for CPV codes, a table of the names sources classify items with (`declared`), and
one KeywordMatcher (refine.keywords) holding every sector's keywords in every language together with the
off-topic words, so reading an item is one cached pass over its text. Evidence is weighed per sector: a keyword
in the title or a `strong` keyword counts 2, another keyword 1 (a phrase and a keyword of the same sector inside
it count once, as the phrase), a `context` word (who or where: pupils, schools, OCMW) 1 and only beside a
keyword of its sector. A sector's `event` words (what people come to an event for) count only in an event's
text, its `occasions` (a conference, a festival) everywhere else. refine.sectors decides from that evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from refine import keywords
from refine.keywords import Hit, KeywordMatcher, KeywordTables
from vigie.core.config import compiled_once, load_toml
from vigie.core.errors import SectorsConfigError

# Long texts (every language of a cluster) are cut: the title and first paragraphs carry the sector, and the
# scan cost grows with length.
MAX_SCAN_CHARS = 4000
OFF_TOPIC = "off-topic"  # the tag of sectors.toml `off_topic` words inside the matcher
NOT_WHEN = "!"  # "!music": the tag of music's `not_when` words (where its keywords mean something else)
CONTEXT = "~"  # "~education-training": the tag of its `context` words (who or where: pupils, schools)
EVENT_KEYS = ("keywords", "strong", "context")  # a sector's `event` lists, tagged "%music", "%~visual-arts"
EVENT, OCCASION = keywords.ONLY_IN_EVENTS, keywords.NOT_IN_EVENTS  # its `occasions` are tagged "@events"
WEAK_IN_EVENTS = keywords.WEAK_IN_EVENTS  # its `weak_in_events` words: "^education-training"
_NO_HITS: frozenset[Hit] = frozenset()


class Evidence(NamedTuple):
    weights: dict[str, int]  # sector -> weight of its keywords found (vetoed sectors left out)
    in_title: set[str]  # sectors named in the title
    off_topic: bool  # the text holds an off_topic word


@dataclass
class Taxonomy:
    """Compiled sectors.toml (or kinds.toml's vocabulary, which shares the keyword tables)."""

    ids: tuple[str, ...]
    cpv: dict[str, tuple[str, ...]]  # prefix -> sector ids
    cpv_lengths: tuple[int, ...]
    cpv_without_keywords: tuple[str, ...]
    matcher: KeywordMatcher
    # prefix -> sector ids given only with the text's backing, even by the main code (sectors.toml `cpv_backed`)
    cpv_backed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # sector -> CPV prefixes under which its keywords mean something else (sectors.toml `not_when_cpv`)
    not_when_cpv: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # a source's classification name, folded ("musicevent", "klassieke muziek") -> sectors (sectors.toml `declared`)
    declared: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def sectors_of_cpv(self, codes: list[str], *, backed: bool = False) -> set[str]:
        """Sectors the codes' prefixes give (`backed`: those of the `cpv_backed` prefixes instead)."""
        found: set[str] = set()
        if backed:  # a few prefixes: looked at one by one
            for prefix, sids in self.cpv_backed.items():
                if any(str(code).startswith(prefix) for code in codes):
                    found.update(sids)
            return found
        for code in codes:
            digits = str(code)[:8]
            for n in self.cpv_lengths:
                found.update(self.cpv.get(digits[:n], ()))
        return found

    def sectors_of_declared(self, names: list[str]) -> set[str]:
        """Sectors the source's own classification of the item gives (names compared folded, whole)."""
        return {sid for name in names for sid in self.declared.get(_name(name), ())}

    def muted_by_codes(self, codes: list[str]) -> set[str]:
        """Sectors whose keywords mean something else under one of these codes (`not_when_cpv`)."""
        return {s for s, prefixes in self.not_when_cpv.items() if any(c.startswith(prefixes) for c in codes)}

    def keywords_apply(self, codes: list[str]) -> bool:
        """False when every CPV code is building works, goods or a service done at a place (cleaning, guarding):
        their text says nothing about our sectors (sectors.toml `cpv_without_keywords`)."""
        if not codes or not self.cpv_without_keywords:
            return True
        return not all(str(c).startswith(self.cpv_without_keywords) for c in codes)

    def sectors_of_text(self, text: str) -> set[str]:
        return {hit.tag for hit in self.matcher.hits_of(text)} if text else set()

    def evidence(self, text: str, title: str | None, *, event: bool = False) -> Evidence:
        """What an item's (`event`: an event's) text says of its sectors; see the module docstring. Without `title`,
        every keyword of `text` counts as a title mention. The Evidence is shared: read it, do not change it."""
        hits_of = self.matcher.hits_of
        text = text[:MAX_SCAN_CHARS]
        if title is None:
            found = in_title = hits_of(text) if text else _NO_HITS
        else:
            # The text starts with the title (refine joins title, summary and other languages): each part is
            # scanned once and cached on its own, as the same summary comes back under other titles.
            in_title = hits_of(title[:MAX_SCAN_CHARS]) if title else _NO_HITS
            rest = text[len(title) :] if title and text.startswith(title) else text
            found = hits_of(rest) if rest else _NO_HITS
        return _weigh(in_title, found, event)


# (title's hits, the rest's hits, event?) -> their Evidence: a few thousand combinations cover a whole run (the
# Evidence is shared: read it, do not change it)
@lru_cache(maxsize=50_000)
def _weigh(in_title: frozenset[Hit], found: frozenset[Hit], event: bool = False) -> Evidence:
    """Evidence of the hits of a title and of the text below it."""
    points, titled = keywords.points_of(in_title, found, event=event)
    hits = points.keys()
    phrases = [hit for hit in hits if " " in hit.word]
    weights: dict[str, int] = {}
    support: dict[str, int] = {}
    for hit in hits:
        if phrases and _inside_phrase(hit, phrases, points):
            continue
        if hit.tag.startswith(CONTEXT):  # 1 point, title or not, and only beside a keyword of the sector
            support[hit.tag[1:]] = support.get(hit.tag[1:], 0) + 1
        else:
            weights[hit.tag] = weights.get(hit.tag, 0) + points[hit]
    off_topic = weights.pop(OFF_TOPIC, 0) > 0
    vetoed = {tag[1:] for tag in weights if tag.startswith(NOT_WHEN)}
    weights = {
        tag: w + support.get(tag, 0)
        for tag, w in weights.items()
        if tag not in vetoed and not tag.startswith(NOT_WHEN)
    }
    return Evidence(weights, titled, off_topic)


def _inside_phrase(hit: Hit, phrases: list[Hit], points: dict[Hit, int]) -> bool:
    """True when `hit` is part of a phrase of its own sector found with as much weight: "fête de la musique" is
    one piece of evidence for music, not two ("musique" inside it). A context phrase takes in its sector's
    keyword too, the start of one of its words included ("educati*"): "higher education institutions" says
    where, its "education" is no training. Hits carry no positions: the same word found again elsewhere in the
    text is absorbed too, which costs at most one point."""
    inner = f" {hit.word} "
    sector = hit.tag.removeprefix(CONTEXT)
    return any(
        p.tag.removeprefix(CONTEXT) == sector
        and p.word != hit.word
        and points[p] >= points[hit]
        and (
            inner in f" {p.word} "
            or (p.tag != sector and f" {p.word}".find(f" {hit.word}") >= 0)  # context phrase: word starts
        )
        for p in phrases
    )


def _load(path: Path) -> Taxonomy:
    data = load_toml(path, SectorsConfigError, "file not found (the sector taxonomy lives there)")
    sectors = data.get("sector")
    if not isinstance(sectors, list) or not sectors:
        raise SectorsConfigError(f"{path}: no [[sector]] blocks")

    ids: list[str] = []
    cpv: dict[str, list[str]] = {}
    backed: dict[str, list[str]] = {}
    muted: dict[str, tuple[str, ...]] = {}
    declared: dict[str, list[str]] = {}
    words = KeywordTables()
    for n, sector in enumerate(sectors, 1):
        sid = sector.get("id")
        if not isinstance(sid, str) or not re.fullmatch(r"[a-z0-9-]+", sid) or sid == OFF_TOPIC:
            raise SectorsConfigError(
                f"{path}: [[sector]] #{n}: id {sid!r} must be lower-case letters, digits, '-' (not {OFF_TOPIC!r})"
            )
        if sid in ids:
            raise SectorsConfigError(f"{path}: sector {sid!r} is defined twice")
        ids.append(sid)
        where = f"{path}: sector {sid!r}"
        for prefix in _prefixes(sector, "cpv", where):
            cpv.setdefault(prefix, []).append(sid)
        for prefix in _prefixes(sector, "cpv_backed", where):
            backed.setdefault(prefix, []).append(sid)
        if sector.get("not_when_cpv"):
            muted[sid] = tuple(_prefixes(sector, "not_when_cpv", where))
        names = sector.get("declared", [])
        if not isinstance(names, list) or not all(isinstance(n, str) and _name(n) for n in names):
            raise SectorsConfigError(f'{where}: declared should be a list of names ("MusicEvent", "Concert")')
        for name in names:
            declared.setdefault(_name(name), []).append(sid)
        words.add(sid, sector.get("keywords", {}), f"{where}: keywords", SectorsConfigError)
        words.add(sid, sector.get("strong", {}), f"{where}: strong", SectorsConfigError, strong=True)
        words.add(NOT_WHEN + sid, sector.get("not_when", {}), f"{where}: not_when", SectorsConfigError)
        words.add(CONTEXT + sid, sector.get("context", {}), f"{where}: context", SectorsConfigError)
        words.add(OCCASION + sid, sector.get("occasions", {}), f"{where}: occasions", SectorsConfigError)
        words.add(
            WEAK_IN_EVENTS + sid,
            sector.get("weak_in_events", {}),
            f"{where}: weak_in_events",
            SectorsConfigError,
        )
        event = sector.get("event", {})
        if not isinstance(event, dict) or set(event).difference(EVENT_KEYS):
            raise SectorsConfigError(f"{where}: event should hold only {', '.join(EVENT_KEYS)}")
        for key in EVENT_KEYS:
            tag = EVENT + (CONTEXT if key == "context" else "") + sid
            words.add(
                tag, event.get(key, {}), f"{where}: event.{key}", SectorsConfigError, strong=key == "strong"
            )
    words.add(OFF_TOPIC, data.get("off_topic", {}), f"{path}: off_topic", SectorsConfigError)
    return Taxonomy(
        ids=tuple(ids),
        cpv={k: tuple(v) for k, v in cpv.items()},
        cpv_lengths=tuple(sorted({len(k) for k in cpv})),
        cpv_without_keywords=tuple(str(p) for p in data.get("cpv_without_keywords", [])),
        **words.compiled(),
        cpv_backed={k: tuple(v) for k, v in backed.items()},
        not_when_cpv=muted,
        declared={k: tuple(v) for k, v in declared.items()},
    )


def _prefixes(sector: dict, key: str, where: str) -> list[str]:
    """A sector's list of CPV prefixes under `key`, checked: 2 to 8 digits (a check digit "-9" is dropped)."""
    values = sector.get(key, [])
    if not isinstance(values, list):
        raise SectorsConfigError(f"{where}: {key} should be a list of CPV prefixes")
    prefixes = []
    for value in values:
        prefix = str(value).split("-")[0].strip()
        if not prefix.isdigit() or not 2 <= len(prefix) <= 8:
            raise SectorsConfigError(f"{where}: {key} prefix {prefix!r} should be 2 to 8 digits")
        prefixes.append(prefix)
    return prefixes


# The compiled taxonomy of config/sectors.toml (compiled once; pass `path` to compile another file).
taxonomy = compiled_once("sectors.toml", _load)


def _name(text: str) -> str:
    """A classification name as compared: its folded words ("Hip hop, R&B en rap" -> "hip hop r b en rap")."""
    return " ".join(keywords.folded_words(text))
