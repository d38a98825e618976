"""An item's kind from what it says: tender, call, event or news, with the reason (`kind_reason`).

The source's declared kind (registry `kind`, the parser's, `vigie parse --kind`) is a prior, not the answer: a
news article in a "calls" feed is news, an info session announced in a calls feed is an event. The signals, in
the order they are trusted (config/kinds.toml says the same for the people who edit the words):
  1. structured data: official procurement notices (TED, e-Procurement, OCDS) are tenders; an EU Funding &
     Tenders topic keeps the type it declares; a calendar entry or schema.org Event (it has a start) is an
     event unless its title is plainly a call and names no event word;
  2. the vocabulary of calls, events and tenders in FR/NL/EN (config/kinds.toml), in the title (counts double)
     and the summary (one call or tender word, once, in the summary alone is not enough: _from_words);
  3. dates: a deadline backs a call or tender, a start backs an event;
  4. nothing of the above: news. A text about none of Smart's trades (a word of sectors.toml `off_topic`:
     football, share prices, gadgets) is news unless its title names the kind, or an event if it has a start.

Matching reuses the sector taxonomy's word tables (refine.taxonomy.Taxonomy): each distinct token's verdict is
memoised, so classifying an item is a tokenising pass plus dict lookups. `classify_batch` runs a whole batch in
one pass; refine calls `kind_stage` per item inside its batch loop, after dates (a deadline is a signal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from refine.keywords import Hit, KeywordTables
from refine.taxonomy import OFF_TOPIC, Taxonomy
from refine.taxonomy import taxonomy as sector_taxonomy
from vigie.core.config import compiled_once, load_toml
from vigie.core.errors import SectorsConfigError

OPPORTUNITY_KINDS = ("call", "event", "tender")
# Official procurement notices: a tender whatever the text says (a design contest is a tender too).
NOTICE_FAMILIES = frozenset({"eforms", "ted", "ted_r2", "bosa", "ocds"})
# Families whose records carry a type of their own (SEDIA: grant or tender topic): trusted as declared.
TYPED_FAMILIES = frozenset({"sedia"})
# Families whose records are events by construction (they have a start; UiTdatabank is a database of events).
EVENT_FAMILIES = frozenset({"ics", "jsonld", "uitdatabank"})
SUMMARY_CHARS = 1500  # the first paragraphs say what a text is; the rest costs scan time
_NO_HITS: frozenset[Hit] = frozenset()


@dataclass(frozen=True)
class Vocabulary:
    """Strong and weak words of every kind in one table (weak ones tagged "weak:<kind>"): one pass per text."""

    words: Taxonomy


def _tables(path: Path) -> Vocabulary:
    data = load_toml(path, SectorsConfigError, "file not found (the kind vocabulary lives there)")
    blocks = data.get("kind")
    if not isinstance(blocks, list) or not blocks:
        raise SectorsConfigError(f"{path}: no [[kind]] blocks")
    tables = KeywordTables()
    for block in blocks:
        kind = block.get("id")
        if kind not in OPPORTUNITY_KINDS:
            raise SectorsConfigError(f"{path}: [[kind]] id {kind!r} should be one of {OPPORTUNITY_KINDS}")
        tables.add(kind, block.get("strong", {}), f"{path}: kind {kind!r}: strong", SectorsConfigError)
        tables.add(f"weak:{kind}", block.get("weak", {}), f"{path}: kind {kind!r}: weak", SectorsConfigError)
    ids = (*OPPORTUNITY_KINDS, *(f"weak:{k}" for k in OPPORTUNITY_KINDS))
    return Vocabulary(Taxonomy(ids=ids, cpv={}, cpv_lengths=(), cpv_without_keywords=(), **tables.compiled()))


# The compiled config/kinds.toml (compiled once; pass `path` to compile another file).
vocabulary = compiled_once("kinds.toml", _tables)


_Scores = tuple[dict[str, int], dict[str, int]]


def _scores(tax: Taxonomy, title: str, summary: str) -> _Scores:
    """(strong, weak) scores per kind: 2 for a word in the title, 1 in the summary."""
    hits_of = tax.matcher.hits_of
    key = (hits_of(title) if title else _NO_HITS, hits_of(summary[:SUMMARY_CHARS]) if summary else _NO_HITS)
    return _scores_of_hits(*key)


# (title's hits, summary's hits) -> their scores: few combinations, many items (read them, do not change them)
@lru_cache(maxsize=50_000)
def _scores_of_hits(in_title: frozenset[Hit], in_summary: frozenset[Hit]) -> _Scores:
    return _count({hit.tag for hit in in_title}, {hit.tag for hit in in_summary})


def _count(in_title: set[str], in_summary: set[str]) -> _Scores:
    strong: dict[str, int] = {}
    weak: dict[str, int] = {}
    for tag in in_title | in_summary:
        kind = tag.removeprefix("weak:")
        (weak if kind != tag else strong)[kind] = 2 * (tag in in_title) + (tag in in_summary)
    return strong, weak


def _named_in_title(strong: dict[str, int]) -> bool:
    return any(score >= 2 for score in strong.values())  # 2 points for a word in the title (_count)


def _off_topic(title: str, summary: str) -> bool:
    words = sector_taxonomy()
    return OFF_TOPIC in words.sectors_of_text(title) or OFF_TOPIC in words.sectors_of_text(
        summary[:SUMMARY_CHARS]
    )


def _best(scores: dict[str, int], declared: str | None) -> str | None:
    if not scores:
        return None
    top = max(scores.values())
    leaders = [k for k in OPPORTUNITY_KINDS if scores.get(k) == top]
    return declared if declared in leaders else leaders[0]


def classify(
    title: str,
    summary: str | None,
    *,
    family: str | None,
    declared: str | None,
    has_deadline: bool,
    has_start: bool,
) -> tuple[str, str]:
    """(kind, reason) of one item; see the module docstring for the order of the signals."""
    declared = declared if declared in OPPORTUNITY_KINDS or declared == "news" else None
    if family in NOTICE_FAMILIES:
        return "tender", f"notice:{family}"
    if family in TYPED_FAMILIES and declared:
        return declared, f"notice:{family}"
    words = vocabulary().words
    if family in EVENT_FAMILIES and has_start:
        title_cues = words.sectors_of_text(title or "")
        if "call" in title_cues and "event" not in title_cues:
            return "call", "text:call-in-calendar"
        return "event", f"structured:{family}"
    if family in EVENT_FAMILIES and declared == "event":
        return "event", f"structured:{family}"  # a calendar entry without a readable start: quarantined, kept
    strong, weak_scores = _scores(words, title or "", summary or "")
    kind, reason = _from_words(strong, weak_scores, declared, has_deadline=has_deadline, has_start=has_start)
    if kind in ("call", "tender") and not _named_in_title(strong) and _off_topic(title or "", summary or ""):
        # A football report that names "Grant Gillespie" or the transfer "deadline": in a text about none of
        # Smart's trades (sectors.toml `off_topic`), only the title saying what it is makes an opportunity.
        return ("event", "start-date") if has_start else ("news", "off-topic")
    return kind, reason


def _from_words(
    strong: dict[str, int],
    weak_scores: dict[str, int],
    declared: str | None,
    *,
    has_deadline: bool,
    has_start: bool,
) -> tuple[str, str]:
    """(kind, reason) from the vocabulary's scores and the dates (module docstring, signals 2 to 4)."""
    kind = _best(strong, declared)
    if (
        kind in ("call", "tender")
        and kind != declared
        and strong[kind] == 1
        and not (has_deadline or weak_scores.get(kind))
    ):
        # One call or tender word, once, in a summary whose title names none, with nothing else of the kind and
        # no date to answer by: a news article saying it in passing ("the higher price also grants users full
        # access"), not an opportunity. A source that declares that kind still gets it.
        strong = {k: v for k, v in strong.items() if k != kind}
        kind = _best(strong, declared)
    if has_start and kind == "call" and strong.get("event", 0) >= strong["call"]:
        kind = "event"  # an info session about a call: what one does on that date is attend
    if kind is not None:
        if kind == "event" and not has_start:
            # An event one cannot date is not something to attend; a deadline still makes it answerable.
            return (
                ("call", "text:event-without-date+deadline")
                if has_deadline
                else ("news", "event-without-date")
            )
        return kind, f"text:{kind}"
    weak = _best(weak_scores, declared)
    if weak in ("call", "tender") and has_deadline:
        return weak, f"weak-text:{weak}+deadline"
    if weak == "event" and has_start:
        return "event", "weak-text:event+start"
    if has_deadline:
        return ("tender" if declared == "tender" else "call"), "deadline"
    if has_start:
        return "event", "start-date"
    if declared == "news":
        return "news", "declared:news"
    return "news", "no-opportunity-cue"


def classify_batch(rows: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(kind, reason) for each row {title, summary, family, declared, has_deadline, has_start}, in order."""
    return [
        classify(
            row.get("title") or "",
            row.get("summary"),
            family=row.get("family"),
            declared=row.get("declared"),
            has_deadline=bool(row.get("has_deadline")),
            has_start=bool(row.get("has_start")),
        )
        for row in rows
    ]


def kind_stage(item: dict[str, Any], record: dict[str, Any]) -> None:
    """Sets item kind and kind_reason, after dates (the item's deadline and start are signals)."""
    if "family" not in record and record.get("kind_reason"):
        item["kind_reason"] = record["kind_reason"]  # an item fed back through refine: already decided
        return
    item["kind"], item["kind_reason"] = classify(
        item["title"] or "",
        item["summary"],
        family=record.get("family"),
        declared=item["kind"],
        has_deadline=item["deadline_at"] is not None,
        has_start=item["starts_at"] is not None,
    )
