"""What clustering compares of an item: its title words, organiser, day, quoted references and page URL.

Each item's keys are computed from the item alone (refine's worker processes compute them next to the item),
and `fingerprint` is the row the warehouse keeps per stored item so that later runs match against it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from refine.identity import canonical_url
from vigie.core.text import fold

REFERENCE_SCAN_CHARS = 400

_WORD = re.compile(r"[a-z0-9]+")
# The words of _WORD that a title key keeps by shape: two characters or more, or a single digit.
_TITLE_WORD = re.compile(r"[a-z0-9]{2,}|[0-9]")
# Words that do not tell one opportunity from another, in the languages our sources write.
_STOP = frozenset(
    """
    de du des la le les l d un une et en au aux a pour par sur dans avec ou
    van het een voor op in met te tot of
    the and for to an on at by with from
    call appel oproep projets projects project projet
    """.split()  # noqa: SIM905 (a word block is easier to edit than a list)
)
# Words of a buyer's name that every buyer of its kind shares (legal forms, "city of").
_ORG_STOP = frozenset(
    """
    de du des la le les l d et van het der den the of and
    asbl vzw sa nv srl bv aisbl ivzw sprl bvba cvba scrl
    ville stad commune gemeente city municipality cpas ocmw
    """.split()  # noqa: SIM905 (a word block is easier to edit than a list)
)
# Belgian place names that differ between French and Dutch, so "Ville de Bruxelles" and "Stad Brussel" agree.
_PLACE_NAMES = {
    "bruxelles": "brussel", "brussels": "brussel", "anvers": "antwerpen", "antwerp": "antwerpen",
    "liege": "luik", "gand": "gent", "ghent": "gent", "louvain": "leuven", "namur": "namen", "mons": "bergen",
    "bruges": "brugge", "malines": "mechelen", "courtrai": "kortrijk", "ostende": "oostende",
    "tournai": "doornik", "hasselt": "hasselt", "ixelles": "elsene", "schaerbeek": "schaarbeek",
    "uccle": "ukkel", "etterbeek": "etterbeek", "anderlecht": "anderlecht", "molenbeek": "molenbeek",
    "forest": "vorst", "saint": "sint", "wallonie": "wallonie", "flandre": "vlaanderen",
    "flanders": "vlaanderen",
}  # fmt: skip
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_REFERENCE = re.compile(
    r"\b(?:\d{4}/S\s?\d{3}-\d{6}|\d{6}-\d{4}|[A-Z]{2,10}[-/ ]?\d{2,4}[-/.]\d{1,6}(?:[-/.]\d{1,6})?)\b"
)
# Every reference the pattern above finds has a digit followed by "-", "/" or "." and a digit or "S": texts
# without that pair (most) are not searched with the slower pattern. `\d` is any Unicode digit, as above; ASCII
# text (str.isascii() is a flag test) can use the faster [0-9]. The separator comes first and the digit before it
# is a look-behind: the engine then scans for a three-character set, twice as fast as for a digit.
_REFERENCE_HINT = re.compile(r"[-/.](?<=\d[-/.])[\dS]")
_REFERENCE_HINT_ASCII = re.compile(r"[-/.](?<=[0-9][-/.])[0-9S]")
_LANG_SEGMENT = re.compile(r"/(?:fr|nl|en|de)(?:[-_][a-z]{2})?(?=/|$)", re.IGNORECASE)
_LANG_PARAM = re.compile(r"(?:^|&)(?:lang|language|locale|hl|ln)=[^&]*", re.IGNORECASE)

# The keys one item brings to clustering: title key, day, organiser key, exact-match keys.
MatchKeys = tuple[str, str, str, list[tuple[Any, ...]]]
# The row kept per stored item (fingerprint()): id, cluster, title key, when, organiser.
KnownRow = tuple[str, str, str, str | None, str | None]


def normalise(text: str | None) -> list[str]:
    if not text:
        return []
    return _WORD.findall(fold(text))


def title_key(title: str | None) -> str:
    """Words of a title that tell opportunities apart: lower-case, accents and common words removed."""
    if not title:
        return ""
    return _title_key(title)


# Sources repeat titles (every occurrence of a recurring event, a notice relisted): half the titles of the
# benchmark's 100,000 items are repeats, and as many as refine.titles remembers are enough to find them.
@lru_cache(maxsize=8192)
def _title_key(title: str) -> str:
    return " ".join([word for word in _TITLE_WORD.findall(fold(title)) if word not in _STOP])


@lru_cache(maxsize=65536)
def organiser_key(organiser: str | None) -> str:
    words = {_PLACE_NAMES.get(word, word) for word in normalise(organiser) if word not in _ORG_STOP}
    return " ".join(sorted(words))


@lru_cache(maxsize=8192)  # a source's items often share a page (a listing, a calendar)
def language_neutral_url(url: str) -> str:
    """The canonical URL without its language marker: /fr/ and /nl/ versions of one page compare equal."""
    canonical = canonical_url(url)
    base, _, query = canonical.partition("?")
    base = _LANG_SEGMENT.sub("", base)
    query = _LANG_PARAM.sub("", query).strip("&")
    return f"{base}?{query}" if query else base


def when(item: dict[str, Any]) -> str | None:
    """The date that places an item for matching: its deadline or start, else "m" + its publication month.
    Undated items (news, announcements) of one publisher would otherwise share a single block that grows with
    every run, and each new batch would be compared with all of them; the same announcement relayed by two
    sources is published in the same month (warehouse/sql/read/cluster_candidates.sql says the same)."""
    value = item.get("deadline_at") or item.get("starts_at")
    if value:
        return value
    published = item.get("published_at")
    return f"m{published[:7]}" if published else None


def fingerprint(item: dict[str, Any]) -> KnownRow:
    """The row the warehouse keeps per stored item and hands back as `known` on the next run."""
    return (
        item["id"],
        item.get("cluster_id") or item["id"],
        title_key(item.get("title")),
        when(item),
        item.get("organiser"),
    )


def references(item: dict[str, Any]) -> set[str]:
    """Procedure or notice numbers quoted in the title or summary, normalised ("2024/S 198-612681")."""
    found: set[str] = set()
    # Both versions of a notice quote the reference in the title or the opening lines of the summary. The
    # summary is searched up to REFERENCE_SCAN_CHARS (endpos: as if cut there, without copying it); when all of
    # it is ASCII so are its opening lines, and the Unicode hint finds what the ASCII one would in any text.
    title, summary = item.get("title"), item.get("summary")
    if title and (_REFERENCE_HINT_ASCII if title.isascii() else _REFERENCE_HINT).search(title):
        for ref in _REFERENCE.findall(title):
            found.add(_NOT_ALNUM.sub("", ref.upper()))
    if summary and (_REFERENCE_HINT_ASCII if summary.isascii() else _REFERENCE_HINT).search(
        summary, 0, REFERENCE_SCAN_CHARS
    ):
        for ref in _REFERENCE.findall(summary, 0, REFERENCE_SCAN_CHARS):
            found.add(_NOT_ALNUM.sub("", ref.upper()))
    return found


def item_keys(item: dict[str, Any]) -> MatchKeys:
    """What clustering needs of one item: computed per item, so refine's worker processes can compute it next
    to the item and leave only the matching to the run."""
    title, day, org = (
        title_key(item.get("title")),
        (when(item) or "")[:10],
        organiser_key(item.get("organiser")),
    )
    exact: list[tuple[Any, ...]] = []
    deadline = item.get("deadline_at")
    cpv = tuple(sorted(item.get("cpv") or ()))
    if deadline and item.get("deadline_precision") == "datetime" and cpv:
        # Same minute, same CPV codes, and the same budget or the same buyer (place names folded across
        # languages): the FR and NL publications of one procedure.
        if item.get("budget_amount"):
            exact.append(("budget", deadline, cpv, item["budget_amount"]))
        if org:
            exact.append(("buyer", deadline, cpv, org))
    for ref in references(item):
        exact.append(("ref", ref, day))
    url = item.get("url")
    if url and day:
        exact.append(("url", language_neutral_url(url), day))
    return title, day, org, exact
