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
standalone batch, filling a ClusterIndex chunk by chunk while the next chunks are being refined, so that only
the matching waits for the last one. The comparisons themselves are in refine.cluster_matching.

Cluster ids are stable across runs: `known` rows carry the clusters already stored; a cluster that contains a
stored item keeps the smallest stored cluster_id, otherwise it takes the smallest item id of the cluster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from refine.cluster_matching import NO_NUMBERS, Union, match_block
from refine.match_keys import KnownRow, MatchKeys, item_keys, organiser_key

MIN_TITLE_WORDS = 3


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


class ClusterIndex:
    """A batch's items as clustering sees them (titles, numbers quoted, blocks), filled one item at a time;
    assign() then matches and sets every item's cluster_id. An item replaced by a later reading of the same id
    (refine.pipeline keeps the last one) is discarded, and takes no part."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.titles: list[str] = []
        self.numbers: list[frozenset[str]] = []
        self.exact: list[list[tuple[Any, ...]]] = []
        self.fuzzy_blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.exact_blocks: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        self.node_of: dict[str, int] = {}
        self.dropped: set[int] = set()

    def add(self, item: dict[str, Any], keys: MatchKeys) -> None:
        title, day, org, exact = keys
        node = len(self.items)
        self.node_of[item["id"]] = node
        self.items.append(item)
        self.titles.append(title)
        self.exact.append(exact)
        words = title.split()
        self.numbers.append(frozenset(filter(str.isdigit, words)) if words else NO_NUMBERS)
        for key in _title_blocks(title, day, org, words):
            (self.fuzzy_blocks if key[0] != "title" else self.exact_blocks)[key].append(node)

    def discard(self, item_id: str) -> None:
        node = self.node_of.pop(item_id, None)
        if node is not None:
            self.dropped.add(node)

    def assign(self, known: KnownClusters | None = None) -> int:
        """Sets item["cluster_id"] on every item kept (see the module docstring for the rules) and returns how
        many items joined another item's cluster. `known`: the stored items' rows, indexed once per run."""
        known = known or KnownClusters()
        titles, numbers = self.titles, self.numbers
        fuzzy_blocks, exact_blocks = self.fuzzy_blocks, self.exact_blocks
        if self.dropped:
            fuzzy_blocks, exact_blocks = self._without_dropped()
        nodes_ids: list[str] = [item["id"] for item in self.items]
        stored_cluster: dict[int, str] = {}
        # The stored row of an item refined again brings its stored cluster, not a second node.
        if known.cluster_of:
            for item_id, node in self.node_of.items():
                stored = known.cluster_of.get(item_id)
                if stored is not None:
                    stored_cluster[node] = stored
        # Stored rows sharing a block with an item of this batch join it as nodes; the others play no part.
        sharing: dict[int, list[tuple[str, ...]]] = defaultdict(list)
        for blocks in (fuzzy_blocks, exact_blocks) if known.blocks else ():
            for key in (
                blocks.keys() & known.blocks.keys()
            ):  # a C-level intersection: most keys are not stored
                for index in known.blocks[key]:
                    sharing[index].append(key)
        for index in sorted(sharing):
            known_id, cluster_id, title, day = known.rows[index]
            if known_id in self.node_of:
                continue
            node = len(nodes_ids)
            stored_cluster[node] = cluster_id
            nodes_ids.append(known_id)
            titles.append(title)
            numbers.append(frozenset(filter(str.isdigit, title.split())))
            for key in sharing[index]:
                (fuzzy_blocks if key[0] != "title" else exact_blocks)[key].append(node)

        union = Union(len(nodes_ids))
        for node, exact in enumerate(self.exact):
            if exact and node not in self.dropped:
                for key in exact:
                    exact_blocks[key].append(node)
        for members in exact_blocks.values():
            if len(members) > 1:
                for other in members[1:]:
                    union.join(members[0], other)
        for block in fuzzy_blocks.values():
            if len(block) > 1:
                match_block(block, titles, numbers, union)
        return self._set_ids(union, nodes_ids, stored_cluster)

    def _without_dropped(self) -> tuple[dict[tuple[Any, ...], list[int]], dict[tuple[Any, ...], list[int]]]:
        dropped = self.dropped
        return (
            defaultdict(list, {k: [n for n in b if n not in dropped] for k, b in self.fuzzy_blocks.items()}),
            defaultdict(list, {k: [n for n in b if n not in dropped] for k, b in self.exact_blocks.items()}),
        )

    def _set_ids(self, union: Union, nodes_ids: list[str], stored_cluster: dict[int, str]) -> int:
        # A parent is never greater than its child (Union): going up the nodes in order, each parent's root is
        # known by the time its children are reached, one list read per node instead of a find() call.
        roots = list(union.parent)
        for node, up in enumerate(roots):
            roots[node] = roots[up]
        smallest_id: dict[int, str] = {}
        for node, (node_id, root) in enumerate(zip(nodes_ids, roots, strict=True)):
            if node_id < smallest_id.get(root, "\U0010ffff") and node not in self.dropped:
                smallest_id[root] = node_id
        smallest_stored: dict[int, str] = {}
        for node, stored in stored_cluster.items():
            root = roots[node]
            if stored < smallest_stored.get(root, "\U0010ffff"):
                smallest_stored[root] = stored
        joined = 0
        for node, item in enumerate(self.items):  # the stored rows' nodes come after the items'
            if node in self.dropped:
                continue
            root = roots[node]
            # A stored cluster id wins over a new smaller id, so clusters already published do not move.
            item["cluster_id"] = smallest_stored.get(root) or smallest_id[root]
            joined += item["cluster_id"] != item["id"]
        return joined


def assign_clusters(
    items: list[dict[str, Any]],
    known: KnownClusters | None = None,
    keys: list[MatchKeys] | None = None,
) -> int:
    """Sets item["cluster_id"] on every item of the batch (see the module docstring for the rules) and returns
    how many items joined another item's cluster. `known` holds the stored items' rows, indexed once per run;
    `keys`, when given, are item_keys() of the items, in the same order (refine computes them)."""
    if keys is not None and len(keys) != len(items):
        raise ValueError(f"assign_clusters: {len(items)} items but {len(keys)} keys")
    index = ClusterIndex()
    for item, item_key in zip(items, keys if keys is not None else map(item_keys, items), strict=True):
        index.add(item, item_key)
    return index.assign(known)


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
