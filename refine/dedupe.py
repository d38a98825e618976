"""Duplicates across sources and languages: one `cluster_id` per real-world opportunity.

Items stay separate rows (each source keeps its own id, url and text); `cluster_id` ties them together and
`merge_texts` gives readers every language of a cluster.

Matching never compares all pairs. Items are put in blocks by cheap keys, and only items sharing a block are
compared or joined:
  same day + same organiser          -> fuzzy title match (rapidfuzz token-set ratio >= 90)
  same day + same rarest title word  -> fuzzy title match (the same call relayed by another source)
  same exact deadline + CPV + budget or buyer -> joined (FR and NL versions of one notice share no title words;
                                     buyer names are compared with Belgian place names folded across languages)
  same reference number + same day   -> joined ("2024/S 198-612681", "CSC 2027/015" quoted by both versions)
  same page URL + same day           -> joined (language markers /fr/, ?lang=nl removed)
The "day" is the deadline day, or the start day for events, or for undated items their publication month. Blocks bigger than BLOCK_LIMIT (e.g. every item
of a huge publisher on one day) are split further by title word, so the cost stays linear.

Cluster ids are stable across runs: `known` rows carry the clusters already stored; a cluster that contains a
stored item keeps the smallest stored cluster_id, otherwise it takes the smallest item id of the cluster.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from refine.identity import canonical_url
from vigie.core.text import fold

TITLE_MATCH = 90
BLOCK_LIMIT = 64
MIN_TITLE_WORDS = 3

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "un",
        "une",
        "et",
        "en",
        "au",
        "aux",
        "a",
        "pour",
        "par",
        "sur",
        "dans",
        "avec",
        "ou",
        "van",
        "het",
        "een",
        "en",
        "voor",
        "op",
        "in",
        "met",
        "te",
        "tot",
        "of",
        "the",
        "of",
        "and",
        "for",
        "to",
        "an",
        "on",
        "at",
        "by",
        "with",
        "from",
        "call",
        "appel",
        "oproep",
        "projets",
        "projects",
        "project",
        "projet",
    ]
)
_ORG_STOP = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "et",
        "van",
        "het",
        "der",
        "den",
        "the",
        "of",
        "and",
        "asbl",
        "vzw",
        "sa",
        "nv",
        "srl",
        "bv",
        "aisbl",
        "ivzw",
        "sprl",
        "bvba",
        "cvba",
        "scrl",
        "ville",
        "stad",
        "commune",
        "gemeente",
        "city",
        "municipality",
        "cpas",
        "ocmw",
    ]
)
# Belgian place names that differ between French and Dutch, so "Ville de Bruxelles" and "Stad Brussel" agree.
_PLACE_NAMES = {
    "bruxelles": "brussel",
    "brussels": "brussel",
    "anvers": "antwerpen",
    "antwerp": "antwerpen",
    "liege": "luik",
    "gand": "gent",
    "ghent": "gent",
    "louvain": "leuven",
    "namur": "namen",
    "mons": "bergen",
    "bruges": "brugge",
    "malines": "mechelen",
    "courtrai": "kortrijk",
    "ostende": "oostende",
    "tournai": "doornik",
    "hasselt": "hasselt",
    "ixelles": "elsene",
    "schaerbeek": "schaarbeek",
    "uccle": "ukkel",
    "etterbeek": "etterbeek",
    "anderlecht": "anderlecht",
    "molenbeek": "molenbeek",
    "forest": "vorst",
    "saint": "sint",
    "wallonie": "wallonie",
    "flandre": "vlaanderen",
    "flanders": "vlaanderen",
}
REFERENCE_SCAN_CHARS = 400
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_REFERENCE = re.compile(
    r"\b(?:\d{4}/S\s?\d{3}-\d{6}|\d{6}-\d{4}|[A-Z]{2,10}[-/ ]?\d{2,4}[-/.]\d{1,6}(?:[-/.]\d{1,6})?)\b"
)


def normalise(text: str | None) -> list[str]:
    if not text:
        return []
    return _WORD.findall(fold(text))


def title_key(title: str | None) -> str:
    """Words of a title that tell opportunities apart: lower-case, accents and common words removed."""
    return " ".join(
        word for word in normalise(title) if word not in _STOP and (len(word) > 1 or word.isdigit())
    )


@lru_cache(maxsize=65536)
def organiser_key(organiser: str | None) -> str:
    words = {_PLACE_NAMES.get(word, word) for word in normalise(organiser) if word not in _ORG_STOP}
    return " ".join(sorted(words))


_LANG_SEGMENT = re.compile(r"/(?:fr|nl|en|de)(?:[-_][a-z]{2})?(?=/|$)", re.IGNORECASE)
_LANG_PARAM = re.compile(r"(?:^|&)(?:lang|language|locale|hl|ln)=[^&]*", re.IGNORECASE)


def language_neutral_url(url: str) -> str:
    """The canonical URL without its language marker: /fr/ and /nl/ versions of one page compare equal."""
    canonical = canonical_url(url)
    base, _, query = canonical.partition("?")
    base = _LANG_SEGMENT.sub("", base)
    query = _LANG_PARAM.sub("", query).strip("&")
    return f"{base}?{query}" if query else base


def _day(item: dict[str, Any]) -> str:
    return (_when(item) or "")[:10]


def _when(item: dict[str, Any]) -> str | None:
    """The date that places an item for matching: its deadline or start, else "m" + its publication month.
    Undated items (news, announcements) of one publisher would otherwise share a single block that grows with
    every run, and each new batch would be compared with all of them; the same announcement relayed by two
    sources is published in the same month (warehouse/sql/read/cluster_candidates.sql says the same)."""
    value = item.get("deadline_at") or item.get("starts_at")
    if value:
        return value
    published = item.get("published_at")
    return f"m{published[:7]}" if published else None


def fingerprint(item: dict[str, Any]) -> tuple[str, str, str, str | None, str | None]:
    """The row the warehouse keeps per stored item and hands back as `known` on the next run."""
    return (
        item["id"],
        item.get("cluster_id") or item["id"],
        title_key(item.get("title")),
        _when(item),
        item.get("organiser"),
    )


def references(item: dict[str, Any]) -> set[str]:
    """Procedure or notice numbers quoted in the title or summary, normalised ("2024/S 198-612681")."""
    found = set()
    # Both versions of a notice quote the reference in the title or the opening lines of the summary.
    for text in (item.get("title"), (item.get("summary") or "")[:REFERENCE_SCAN_CHARS]):
        if text:
            for ref in _REFERENCE.findall(text):
                found.add(_NOT_ALNUM.sub("", ref.upper()))
    return found


class _Union:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, node: int) -> int:
        parent = self.parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


ItemKeys = tuple[str, str, str, list[tuple[Any, ...]]]


def item_keys(item: dict[str, Any]) -> ItemKeys:
    """What dedupe needs of one item (title key, day, organiser key, exact-match keys): computed per item, so
    refine's worker processes can compute it next to the item and leave only the matching to the batch."""
    title, day, org = title_key(item.get("title")), _day(item), organiser_key(item.get("organiser"))
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


KnownRow = tuple[
    str, str, str, str | None, str | None
]  # fingerprint(): id, cluster, title key, day, organiser


class KnownClusters:
    """The stored items' fingerprints, indexed by block key once, so that each batch of a run (one per source,
    then the whole run) looks up the few stored rows sharing its blocks instead of reading them all: the cost
    of a run stays linear in the warehouse's size, not in size times sources."""

    def __init__(self, rows: Iterable[KnownRow] = ()) -> None:
        self.rows: list[tuple[str, str, str, str]] = []  # id, cluster, title key, day
        self.cluster_of: dict[str, str] = {}
        self.blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.add(rows)

    def add(self, rows: Iterable[KnownRow]) -> None:
        for known_id, cluster_id, key, when, organiser in rows:
            title, day = key or "", (when or "")[:10]
            index = len(self.rows)
            self.rows.append((known_id, cluster_id or known_id, title, day))
            self.cluster_of[known_id] = cluster_id or known_id
            for block in _title_blocks(title, day, organiser_key(organiser)):
                self.blocks[block].append(index)

    def __len__(self) -> int:
        return len(self.rows)


def assign_clusters(
    items: list[dict[str, Any]],
    known: KnownClusters | Iterable[KnownRow] = (),
    keys: list[ItemKeys] | None = None,
) -> None:
    """Sets item["cluster_id"] on every item of the batch (see the module docstring for the rules).
    `known` is best a KnownClusters built once per run; `keys`, when given, are item_keys() of the items, in
    the same order."""
    if not isinstance(known, KnownClusters):
        known = KnownClusters(known)
    nodes_ids: list[str] = [item["id"] for item in items]
    position = {item_id: node for node, item_id in enumerate(nodes_ids)}
    stored_cluster: dict[int, str] = {}
    titles: list[str] = []
    days: list[str] = []
    fuzzy_blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    exact_blocks: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    orgs: list[str] = []
    exact_keys: list[list[tuple[Any, ...]]] = []
    for node, item in enumerate(items):
        title, day, org, exact = keys[node] if keys is not None else item_keys(item)
        titles.append(title)
        days.append(day)
        orgs.append(org)
        exact_keys.append(exact)
        for key in _title_blocks(title, day, org):
            (fuzzy_blocks if key[0] != "title" else exact_blocks)[key].append(node)
        # The stored row of an item refined again brings its stored cluster, not a second node.
        stored = known.cluster_of.get(item["id"])
        if stored is not None:
            stored_cluster[node] = stored
    # Stored rows sharing a block with an item of this batch join it as nodes; the others play no part.
    sharing: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for blocks in (fuzzy_blocks, exact_blocks):
        for key in blocks:
            for index in known.blocks.get(key, ()):
                sharing[index].append(key)
    for index in sorted(sharing):
        known_id, cluster_id, title, day = known.rows[index]
        if known_id in position:
            continue
        node = len(nodes_ids)
        stored_cluster[node] = cluster_id
        nodes_ids.append(known_id)
        titles.append(title)
        days.append(day)
        for key in sharing[index]:
            (fuzzy_blocks if key[0] != "title" else exact_blocks)[key].append(node)

    union = _Union(len(nodes_ids))
    for node, exact in enumerate(exact_keys):
        for key in exact:
            exact_blocks[key].append(node)

    for members in exact_blocks.values():
        for other in members[1:]:
            union.join(members[0], other)
    numbers = [frozenset(word for word in title.split() if word.isdigit()) for title in titles]
    for block in fuzzy_blocks.values():
        if len(block) > 1:
            _match_block(block, titles, numbers, union)

    smallest_id: dict[int, str] = {}
    smallest_stored: dict[int, str] = {}
    for node, node_id in enumerate(nodes_ids):
        root = union.find(node)
        if node_id < smallest_id.get(root, "\U0010ffff"):
            smallest_id[root] = node_id
        stored = stored_cluster.get(node)
        if stored is not None and stored < smallest_stored.get(root, "\U0010ffff"):
            smallest_stored[root] = stored
    for node, item in enumerate(items):
        root = union.find(node)
        # A stored cluster id wins over a new smaller id, so clusters already published do not move.
        item["cluster_id"] = smallest_stored.get(root) or smallest_id[root]


def _title_blocks(title: str, day: str, org: str) -> list[tuple[str, ...]]:
    words = title.split()
    if len(words) >= MIN_TITLE_WORDS:
        keys = [("org", day, org)]
        if day:
            keys.append(("word", day, max(words, key=len)))
        return keys
    return [("title", day, org, title)] if title else []


def _match_block(block: list[int], titles: list[str], numbers: list[frozenset[str]], union: _Union) -> None:
    if len(block) > BLOCK_LIMIT:
        # Split a crowded block by each title's two rarest words within the block: near-duplicates share at
        # least one of them, while the words every title of a publisher repeats ("soutien", "marché") do not
        # make a sub-block.
        frequency: dict[str, int] = defaultdict(int)
        for node in block:
            for word in set(titles[node].split()):
                frequency[word] += 1
        sub: dict[str, list[int]] = defaultdict(list)
        for node in block:
            words = sorted(set(titles[node].split()), key=lambda w: (frequency[w], -len(w), w))
            for word in words[:2]:
                sub[word].append(node)
        for part in sub.values():
            if len(part) == len(block):
                _exact_only(part, titles, union)  # every title shares the word: no way to split further
            elif len(part) > 1:
                _match_block(part, titles, numbers, union)
        return
    find = union.find
    for i, a in enumerate(block):
        title_a = titles[a]
        len_a = len(title_a)
        numbers_a = numbers[a]
        for b in block[i + 1 :]:
            title_b = titles[b]
            if title_a == title_b:
                union.join(a, b)
                continue
            # Length guard: token-set ratio calls "arts" a perfect match of "arts de la scène 2027 bruxelles".
            len_b = len(title_b)
            if (len_a if len_a < len_b else len_b) * 2 < (len_b if len_a < len_b else len_a):
                continue
            # "Lot 1" and "Lot 2", "édition 2027" and "édition 2028" are different however alike.
            numbers_b = numbers[b]
            if numbers_a and numbers_b and numbers_a != numbers_b:
                continue
            if find(a) != find(b) and fuzz.token_set_ratio(title_a, title_b, score_cutoff=TITLE_MATCH):
                union.join(a, b)


def _exact_only(block: list[int], titles: list[str], union: _Union) -> None:
    first: dict[str, int] = {}
    for node in block:
        seen = first.setdefault(titles[node], node)
        if seen != node:
            union.join(seen, node)


def merge_texts(items: Iterable[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Every language's text of one cluster: {lang: {"title", "summary", "id", "url"}}.

    Readers (the warehouse's cluster view, newsletters, feeds) call it with the items of one cluster to show a
    member the opportunity in their language, linking to the item that has it. The item whose id is the
    cluster id comes first, then by id; for each language the first item that has it wins, and a missing
    summary is filled from the next one that has it."""
    ordered = sorted(items, key=lambda item: (item.get("id") != item.get("cluster_id"), item.get("id")))
    merged: dict[str, dict[str, str]] = {}
    for item in ordered:
        for lang, text in (item.get("texts") or {}).items():
            entry = merged.get(lang)
            if entry is None:
                merged[lang] = {
                    "title": text.get("title") or "",
                    "summary": text.get("summary") or "",
                    "id": item["id"],
                    "url": item.get("url") or "",
                }
            elif not entry["summary"] and text.get("summary"):
                entry["summary"] = text["summary"]
    return merged
