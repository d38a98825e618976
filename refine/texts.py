"""An item's texts: every language the source gives (cleaned), the main language, the main title and summary."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from refine.clean import clean_summary
from refine.language import detect_language
from refine.language_sample import DETECT_MAX_CHARS
from refine.titles import clean_title
from vigie.core.languages import normalise_lang

_PREFERRED = ("fr", "nl", "en", "de")
# Every language the source gives is kept in `texts` (SPEC §3); the text the later stages search (deadline,
# sectors) is the main language's and these: TED notices carry up to 24 translations of the same words.
KEPT_LANGUAGES = frozenset(_PREFERRED)

# Each record asks for the codes of its texts' languages, and sources repeat a handful of spellings.
_cached_code = lru_cache(maxsize=256)(normalise_lang)


def language_code(value: object) -> str | None:
    """normalise_lang, cached; a value that is not text (a list from a malformed record) has no language."""
    return _cached_code(value) if isinstance(value, str) else None


def detection_text(title: str, summary: str | None) -> str:
    """What the language of an item without a declared text of its title is detected from (and primed on).
    The detector reads only the start of it (refine.language_sample.DETECT_MAX_CHARS, twice that for a bilingual
    title's split), so a long summary is not copied whole."""
    return f"{title} {summary[:_DETECTION_CHARS]}" if summary else title


_DETECTION_CHARS = 2 * DETECT_MAX_CHARS


def detection_basis(item: dict[str, Any], record: dict[str, Any]) -> str | None:
    """The text language_stage will detect the item's language from, or None when it detects nothing: the source
    declares a text whose title is the item's (prime() then need not score it)."""
    title = item["title"]
    if not title:
        return None
    raw_title = record.get("title")
    texts = record.get("texts")
    if texts and isinstance(texts, dict):
        for lang, text in texts.items():
            # as language_stage: a declared text with the record's own title is the item's main text
            if isinstance(text, dict) and text.get("title") == raw_title and language_code(lang) is not None:
                return None
    return _detected_text(item, record)


def _detected_text(item: dict[str, Any], record: dict[str, Any]) -> str:
    # A title Vigie wrote ("place · date") is no evidence of the item's language: only the summary is.
    if "title_generated" in (record.get("flags") or ()):
        return item["summary"] or ""
    return detection_text(item["title"], item["summary"])


def language_stage(item: dict[str, Any], record: dict[str, Any], basis: str | None = None) -> str:
    """Fills texts (every language the source gives, cleaned), language, and the main title/summary.

    Languages the source declares per text are trusted (TED, e-Procurement give them per field); a text with
    no declared language is detected, with the record's language as a hint. `basis`: detection_basis(item,
    record) when the caller made it already. Returns all text, for the later stages that search it (deadline,
    sectors)."""
    declared = language_code(record.get("language"))
    texts: dict[str, dict[str, str]] = {}
    raw_title, raw_summary = record.get("title"), record.get("summary")
    for lang, text in (record.get("texts") or {}).items():
        code = language_code(lang)
        if code is None or not isinstance(text, dict):
            continue
        # The main text usually repeats the record's title and summary: reuse what clean_stage made of them.
        title = text.get("title")
        title = item["title"] if title == raw_title else clean_title(title)
        summary = text.get("summary")
        summary = (item["summary"] or "") if summary == raw_summary else clean_summary(summary)
        if title or summary:
            texts[code] = {"title": title, "summary": summary}

    title, summary = item["title"], item["summary"]
    main = None
    if title:
        main = next((code for code, text in texts.items() if text["title"] == title), None) if texts else None
        if main is None:
            # the title matches none of the texts: it is in none of their languages
            if basis is None:  # not made by the caller, or a declared text's title cleaned unlike the item's
                basis = _detected_text(item, record)
            main = detect_language(basis, declared, exclude=texts.keys())
            if main is not None and not language_code(main):
                main = None
    elif texts:
        main = (
            declared if declared in texts else next((c for c in _PREFERRED if c in texts), next(iter(texts)))
        )
        title, summary = texts[main]["title"], texts[main]["summary"]
    if main is not None:
        known = texts.get(main)
        if known is None or known["title"] == title:
            # Same objects as item title/summary: one copy of the text in memory per item.
            texts[main] = {"title": title, "summary": summary or (known or {}).get("summary", "")}
            summary = texts[main]["summary"]
    item["title"], item["summary"] = title, summary or None
    item["language"] = main
    item["texts"] = texts
    if len(texts) <= 1:
        return f"{title}. {summary}" if summary else title
    parts = [title, summary or ""]
    for code, text in texts.items():
        if code != main and code in KEPT_LANGUAGES:
            parts += (text["title"], text["summary"])
    return ". ".join(part for part in parts if part)
