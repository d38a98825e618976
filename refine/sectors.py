"""Sector tags: the notice's CPV codes and the source's own classification first, keyword evidence otherwise.

The rules are config/sectors.toml's header (numbered there); the taxonomy and the evidence a text gives are
refine.taxonomy's. Here: how much evidence an item needs, by kind (EVIDENCE_* below), and how codes, evidence and
the source's sectors combine into an item's sector ids.
"""

from __future__ import annotations

from refine.keywords import KeywordTables, keyword_words
from refine.taxonomy import OFF_TOPIC, Taxonomy, taxonomy
from vigie.core.text import fold

# fold, keyword_words and the taxonomy are re-exported: callers fold and read keywords as the taggers do.
__all__ = ["OFF_TOPIC", "KeywordTables", "Taxonomy", "fold", "keyword_words", "tag_sectors", "taxonomy"]

# What a sector's keyword evidence must weigh. An opportunity needs a title mention, a `strong` keyword or two
# different keywords (the source's own sectors add 1). News (never pushed, tagged for search only) needs the
# sector named in its title and as much again (the title's magazine word alone is not a topic). A text about
# football, share prices or gadgets (`off_topic`) needs 2 more: a film call about a football club is still
# audiovisual, a match report that mentions a photo is not photography.
EVIDENCE_OPPORTUNITY = 2
EVIDENCE_NEWS_EXTRA = 2
EVIDENCE_OFF_TOPIC_EXTRA = 2
# When the CPV codes give sectors (the buyer's own classification), the text adds one only when its title names
# it: a tender's description mentions many trades in passing. The main (first) code's sectors are kept as they
# are, the additional codes' only with the text's backing (the title names the sector, or EVIDENCE_OPPORTUNITY
# below it): a bus-shelter tender listing an advertising code beside its works codes is no communication. Chosen
# on the tuned halves of sectors.tsv and kinds.tsv (2026-12-02: macro precision 0.86 -> 0.93, 0.76 -> 0.87).


def _cpv_codes(cpv: list[str]) -> list[str]:
    codes = []
    for code in cpv or ():
        digits = str(code).strip().split("-")[0]
        if digits.isdigit():
            codes.append(digits)
    return codes


def tag_sectors(
    text: str,
    cpv: list[str],
    defaults: list[str],
    *,
    title: str | None = None,
    kind: str | None = None,
    declared: list[str] | None = None,
) -> list[str]:
    """Sector ids for an item, in taxonomy order (defaults unknown to the taxonomy are kept, at the end).

    The rules are sectors.toml's header, 1 to 6: CPV codes first (the main code's sectors as they are, the
    other codes' and `cpv_backed` ones with the text's backing, none of a sector's keywords under its
    `not_when_cpv`), keyword evidence otherwise (`text` starts with the title; beside CPV sectors only a sector
    the title names), more of it for news and off-topic texts, none from works or goods tenders. The source's
    `defaults` add 1 point and are kept, but not for news. Without `title`, every keyword counts as a title
    mention. `kind` is refine's (tender, call, event, news): news needs more evidence, an event is read with
    its sectors' `event` words and without their `occasions`. `declared` is the source's own classification of
    the item (a schema.org event type, UiTdatabank's event type and themes): the sectors its names give
    (sectors.toml `declared`) are kept for every kind but news; the text may add others by the rules above."""
    news = kind == "news"
    tax = taxonomy()
    found: set[str] = set()
    extra: set[str] = set()
    text_applies = True
    muted: set[str] = set()
    if cpv:
        codes = _cpv_codes(cpv)
        if codes:
            found = tax.sectors_of_cpv(codes[:1])
            extra = (tax.sectors_of_cpv(codes[1:]) | tax.sectors_of_cpv(codes, backed=True)).difference(found)
            text_applies = tax.keywords_apply(codes)
            muted = tax.muted_by_codes(codes) if tax.not_when_cpv else muted
    by_codes = bool(found or extra)
    if text_applies or extra:
        weights, in_title, off_topic = tax.evidence(text, title, event=kind == "event")
        if muted and weights:  # a new dict: the Evidence is shared
            weights = {s: w for s, w in weights.items() if s not in muted}
        if extra and weights:
            found.update(
                s for s in extra if s in weights and (s in in_title or weights[s] >= EVIDENCE_OPPORTUNITY)
            )
        if text_applies and weights:
            need = EVIDENCE_OPPORTUNITY + (EVIDENCE_NEWS_EXTRA if news else 0)
            need += EVIDENCE_OFF_TOPIC_EXTRA if off_topic else 0
            titled_only = news or by_codes
            found.update(
                s
                for s, w in weights.items()
                if w + (s in defaults) >= need and (s in in_title or not titled_only)
            )
    if defaults and not news:
        found.update(d for d in defaults if d)
    if declared and not news:
        found.update(tax.sectors_of_declared(declared))
    if not found:
        return []
    ordered = [sid for sid in tax.ids if sid in found]
    ordered += sorted(found.difference(tax.ids))
    return ordered
