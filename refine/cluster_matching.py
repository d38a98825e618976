"""Which items of one block are the same opportunity: fuzzy title matching inside a block, with its guards.

refine.clusters puts items in blocks (same day and organiser, same day and rarest title word...); here the
items of a block are compared, and the ones that match are joined in a union-find. Components do not depend
on the order of the nodes or of the blocks: a pair is a match or not whatever was joined before, and the
union-find only spares the comparisons of pairs already joined.
"""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz

TITLE_MATCH = 90
BLOCK_LIMIT = 64
NO_NUMBERS: frozenset[str] = frozenset()


class Union:
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


def match_block(block: list[int], titles: list[str], numbers: list[frozenset[str]], union: Union) -> None:
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
                match_block(part, titles, numbers, union)
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
    unnumbered = groups.pop(NO_NUMBERS, None)
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


def _match_pairs(a: int, others: list[int], titles: list[str], union: Union) -> None:
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


def _exact_only(block: list[int], titles: list[str], union: Union) -> None:
    first: dict[str, int] = {}
    for node in block:
        seen = first.setdefault(titles[node], node)
        if seen != node:
            union.join(seen, node)
