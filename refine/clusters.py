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
The "day" is the deadline day, or the start day for events, or for undated items their publication month
(refine.match_keys). Blocks bigger than BLOCK_LIMIT (e.g. every item of a huge publisher on one day) are split
further by title word, so the cost stays linear.

A run clusters once, over all its sources (flows); refine.pipeline.refine_and_cluster does the same for a
standalone batch.

Cluster ids are stable across runs: `known` rows carry the clusters already stored; a cluster that contains a
stored item keeps the smallest stored cluster_id, otherwise it takes the smallest item id of the cluster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz

from refine.match_keys import KnownRow, MatchKeys, item_keys, organiser_key

TITLE_MATCH = 90
BLOCK_LIMIT = 64
MIN_TITLE_WORDS = 3


class _Union:
    """Union-find whose parent is never greater than its child: the smaller root wins every join."""

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


class KnownClusters:
    """The stored items' fingerprints, indexed by block key once, so that the run's clustering (or each batch of
    a streamed one) looks up the few stored rows sharing its blocks instead of reading them all: the cost
    stays linear in the warehouse's size, not in size times batches."""

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
    known: KnownClusters | None = None,
    keys: list[MatchKeys] | None = None,
) -> int:
    """Sets item["cluster_id"] on every item of the batch (see the module docstring for the rules) and returns
    how many items joined another item's cluster. `known` holds the stored items' rows, indexed once per run;
    `keys`, when given, are item_keys() of the items, in the same order (refine computes them)."""
    if known is None:
        known = KnownClusters()
    if keys is not None and len(keys) != len(items):
        raise ValueError(f"assign_clusters: {len(items)} items but {len(keys)} keys")
    nodes_ids: list[str] = [item["id"] for item in items]
    position = {item_id: node for node, item_id in enumerate(nodes_ids)}
    stored_cluster: dict[int, str] = {}
    titles: list[str] = []
    fuzzy_blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    exact_blocks: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    exact_keys: list[list[tuple[Any, ...]]] = []
    numbers: list[frozenset[str]] = []
    for node, (title, day, org, exact) in enumerate(keys if keys is not None else map(item_keys, items)):
        titles.append(title)
        exact_keys.append(exact)
        words = title.split()
        numbers.append(frozenset(filter(str.isdigit, words)) if words else _NO_NUMBERS)
        for key in _title_blocks(title, day, org, words):
            (fuzzy_blocks if key[0] != "title" else exact_blocks)[key].append(node)
    # The stored row of an item refined again brings its stored cluster, not a second node.
    if known.cluster_of:
        for node, item_id in enumerate(nodes_ids):
            stored = known.cluster_of.get(item_id)
            if stored is not None:
                stored_cluster[node] = stored
    # Stored rows sharing a block with an item of this batch join it as nodes; the others play no part.
    sharing: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for blocks in (fuzzy_blocks, exact_blocks) if known.blocks else ():
        for key in blocks.keys() & known.blocks.keys():  # a C-level intersection: most keys are not stored
            for index in known.blocks[key]:
                sharing[index].append(key)
    for index in sorted(sharing):
        known_id, cluster_id, title, day = known.rows[index]
        if known_id in position:
            continue
        node = len(nodes_ids)
        stored_cluster[node] = cluster_id
        nodes_ids.append(known_id)
        titles.append(title)
        numbers.append(frozenset(filter(str.isdigit, title.split())))
        for key in sharing[index]:
            (fuzzy_blocks if key[0] != "title" else exact_blocks)[key].append(node)

    union = _Union(len(nodes_ids))
    for node, exact in enumerate(exact_keys):
        for key in exact:
            exact_blocks[key].append(node)

    for members in exact_blocks.values():
        if len(members) > 1:
            for other in members[1:]:
                union.join(members[0], other)
    for block in fuzzy_blocks.values():
        if len(block) > 1:
            _match_block(block, titles, numbers, union)

    # A parent is never greater than its child (_Union): going up the nodes in order, each parent's root is
    # known by the time its children are reached, one list read per node instead of a find() call.
    roots = list(union.parent)
    for node, up in enumerate(roots):
        roots[node] = roots[up]
    smallest_id: dict[int, str] = {}
    for node_id, root in zip(nodes_ids, roots, strict=True):
        if node_id < smallest_id.get(root, "\U0010ffff"):
            smallest_id[root] = node_id
    smallest_stored: dict[int, str] = {}
    for node, stored in stored_cluster.items():
        root = roots[node]
        if stored < smallest_stored.get(root, "\U0010ffff"):
            smallest_stored[root] = stored
    for item, root in zip(items, roots, strict=False):  # the stored rows' nodes come after the items'
        # A stored cluster id wins over a new smaller id, so clusters already published do not move.
        item["cluster_id"] = smallest_stored.get(root) or smallest_id[root]
    return sum(1 for item in items if item["cluster_id"] != item["id"])


_NO_NUMBERS: frozenset[str] = frozenset()


def _title_blocks(title: str, day: str, org: str, words: list[str] | None = None) -> list[tuple[str, ...]]:
    """`words`: title.split(), when the caller has it already."""
    if words is None:
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
        node_words = [set(titles[node].split()) for node in block]
        frequency: dict[str, int] = defaultdict(int)
        for words in node_words:
            for word in words:
                frequency[word] += 1
        # rarest first, then longest, then alphabetical; a dict lookup as sort key runs in C
        rank = {word: (count, -len(word), word) for word, count in frequency.items()}
        sub: dict[str, list[int]] = defaultdict(list)
        for node, words in zip(block, node_words, strict=True):
            for word in sorted(words, key=rank.__getitem__)[:2]:
                sub[word].append(node)
        for part in sub.values():
            if len(part) == len(block):
                _exact_only(part, titles, union)  # every title shares the word: no way to split further
            elif len(part) > 1:
                _match_block(part, titles, numbers, union)
        return
    # "Lot 1" and "Lot 2", "édition 2027" and "édition 2028" are different however alike: titles quoting
    # different numbers are never compared. Grouping the block by the numbers its titles quote leaves only the
    # pairs that may match (same numbers, or one title quotes none); components do not depend on pair order.
    if len(block) == 2:  # the most common block, compared as the grouping below would, without its dicts
        a, b = block
        if numbers[a] == numbers[b] or not numbers[b]:
            _match_pairs(a, [b], titles, union)
        elif not numbers[a]:
            _match_pairs(b, [a], titles, union)
        return
    groups: dict[frozenset[str], list[int]] = {}
    for node in block:
        groups.setdefault(numbers[node], []).append(node)
    unnumbered = groups.pop(_NO_NUMBERS, None)
    if unnumbered is None:
        if len(groups) == len(block):
            return  # every title quotes its own numbers: nothing to compare (the usual case of a crowded day)
        unnumbered = []
    for i, a in enumerate(unnumbered[:-1]):
        _match_pairs(a, unnumbered[i + 1 :], titles, union)
    for group in groups.values():
        if unnumbered:
            for a in group:
                _match_pairs(a, unnumbered, titles, union)
        if len(group) > 1:
            for i, a in enumerate(group[:-1]):
                _match_pairs(a, group[i + 1 :], titles, union)


def _match_pairs(a: int, others: list[int], titles: list[str], union: _Union) -> None:
    parent = union.parent
    title_a = titles[a]
    len_a = len(title_a)
    for b in others:
        title_b = titles[b]
        if title_a == title_b:
            union.join(a, b)
            continue
        # Length guard: token-set ratio calls "arts" a perfect match of "arts de la scène 2027 bruxelles".
        len_b = len(title_b)
        if (len_a if len_a < len_b else len_b) * 2 < (len_b if len_a < len_b else len_a):
            continue
        # find() inlined (without its path compression, which join does): this loop runs for every pair
        root_a, root_b = a, b
        while parent[root_a] != root_a:
            root_a = parent[root_a]
        while parent[root_b] != root_b:
            root_b = parent[root_b]
        if root_a != root_b and fuzz.token_set_ratio(title_a, title_b, score_cutoff=TITLE_MATCH):
            # union.join(a, b) with the roots already found: the smaller root becomes the parent
            if root_a < root_b:
                parent[root_b] = root_a
            else:
                parent[root_a] = root_b


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
