"""py3langid's classifier over many texts at once, with the same model and the same answers.

py3langid walks its byte automaton in a Python loop, one text at a time, then scores with a few small numpy
calls: about 45 µs per title, the largest single cost of refine. Here the automaton advances every text of a
batch by one byte per numpy step, and the naive Bayes scores of the whole batch come from one sparse product,
so a text costs a few microseconds. Scores follow LanguageIdentifier._decide exactly (log1p of the feature
counts, temperature sqrt(bytes), softmax when probabilities are normalised, aliased labels folded); they may
differ from it in the last bits of float32, which tests/test_refine_language.py checks on the labelled set.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier


class BatchClassifier:
    """scores_many(texts) -> log-scores per language; classify_many(texts) -> [(language, confidence)], for a
    py3langid LanguageIdentifier with normalised probabilities."""

    def __init__(self, identifier: LanguageIdentifier) -> None:
        self._id = identifier
        self._nextmove = np.asarray(identifier.tk_nextmove, dtype=np.int32)
        self._rowbase = np.asarray(identifier._rowbase, dtype=np.int32)
        self._output = np.asarray(identifier.tk_output, dtype=np.int32)
        self._blocks: dict[tuple[int, ...], np.ndarray] = {}
        self._folds: dict[tuple[str, ...], tuple[np.ndarray, list[tuple[int, int]]]] = {}

    @property
    def labels(self) -> list[str]:
        return list(self._id.nb_classes)

    def classify_many(self, texts: list[str]) -> list[tuple[str, float]]:
        """(language, confidence) of each text among all the identifier's languages, as py3langid answers."""
        if not texts:
            return []
        probabilities = softmax(self.scores_many(texts))
        for i, j in self._id._alias_pairs:  # aliased labels (srl -> sr): one label, one score
            probabilities[:, i] += probabilities[:, j]
            probabilities[:, j] = 0.0
        best = probabilities.argmax(axis=1)
        confidence = probabilities[np.arange(len(texts)), best]
        labels = self._id.nb_classes
        return [(labels[b], float(c)) for b, c in zip(best.tolist(), confidence.tolist(), strict=True)]

    def scores_many(self, texts: list[str], columns: list[int] | None = None) -> np.ndarray:
        """(texts x languages) naive Bayes log-scores divided by the temperature sqrt(bytes): a softmax over
        any subset of the columns is py3langid's answer with set_languages(that subset). Only `columns` (all by
        default) are scored; the others are -inf, so that they weigh nothing in a softmax."""
        ident = self._id
        classes = len(ident.nb_classes)
        wanted = tuple(range(classes)) if columns is None else tuple(columns)
        scores = np.full((len(texts), classes), -np.inf if columns is not None else 0.0, dtype=np.float32)
        if not texts:
            return scores
        encoded = [_encode(t) for t in texts]
        lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
        rows, feats = self._walk(encoded, lengths)
        picked = list(wanted)
        scores[:, picked] = 0.0  # a featureless text: uniform after a softmax, as in py3langid
        if rows.size:
            nfeat = ident.nb_ptc.shape[0]
            wide = np.int64 if len(encoded) * nfeat >= 2**31 else np.int32  # int32 keys sort faster
            keys, counts = np.unique(rows.astype(wide) * nfeat + feats, return_counts=True)
            krows, kfeats = keys // nfeat, keys % nfeat
            # keys are sorted by text: each text's features are one run, summed by one reduceat
            starts = np.flatnonzero(np.r_[True, krows[1:] != krows[:-1]])
            hit = krows[starts]
            weighted = np.take(self._model(wanted), kfeats, axis=0)
            weighted *= np.log1p(counts.astype(np.float32))[:, None]
            # in float64, adding each text's features in order, as a weighted bincount per language would
            total = np.add.reduceat(weighted, starts, axis=0, dtype=np.float64)
            temperature = (1.0 / np.sqrt(np.maximum(lengths[hit], 1))).astype(np.float32)
            scores[np.ix_(hit, picked)] = (total + ident.nb_pc[picked]) * temperature[:, None]
        return scores

    def _model(self, columns: tuple[int, ...]) -> np.ndarray:
        """The model's (features x `columns`) block as float32, made once per set of columns (each script's)."""
        block = self._blocks.get(columns)
        if block is None:
            block = self._blocks[columns] = np.ascontiguousarray(
                self._id.nb_ptc[:, list(columns)], np.float32
            )
        return block

    def probabilities(self, scores: np.ndarray, langs: tuple[str, ...]) -> np.ndarray:
        """(texts x `langs`) probabilities from scores_many()'s scores: a softmax over the scored columns, each
        label's columns summed (an aliased label has two). By indexing, not a matrix product: BLAS would spin
        threads for it, stealing a core from a second refine worker."""
        first, aliases = self._fold(langs)
        exp = softmax(scores)
        folded = exp.take(first, axis=1)  # rows stay contiguous: a row's sum adds as a lone row's does
        for lang, column in aliases:
            folded[:, lang] += exp[:, column]
        return folded

    def _fold(self, langs: tuple[str, ...]) -> tuple[np.ndarray, list[tuple[int, int]]]:
        """Each of `langs`' first column, and (index in langs, second column) of each aliased label."""
        found = self._folds.get(langs)
        if found is None:
            columns: dict[str, list[int]] = {}
            for index, label in enumerate(self._id.nb_classes):
                columns.setdefault(label, []).append(index)
            first = np.array([columns[lang][0] for lang in langs], dtype=np.intp)
            aliases = [(i, column) for i, lang in enumerate(langs) for column in columns[lang][1:]]
            found = self._folds[langs] = (first, aliases)
        return found

    def scores_one(self, text: str) -> np.ndarray:
        """scores_many([text])[0] through py3langid's own walk: cheaper for a single text than a numpy batch."""
        data = _encode(text)
        scores = np.array(self._id._raw_score(data), dtype=np.float32)
        return scores * np.float32(1.0 / np.sqrt(max(len(data), 1)))

    def _walk(self, encoded: list[bytes], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(text index, feature id) of every feature the byte automaton emits, over all texts at once."""
        # Longest first, one row per byte position: at position p the texts still running are a prefix of the
        # columns, so the walk costs the total length of the texts, not their count times the longest one.
        order = np.argsort(-lengths, kind="stable")
        ordered_lengths = lengths[order]
        count, width = len(encoded), max(int(ordered_lengths[0]), 1)
        total = int(ordered_lengths.sum())
        if not total:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # every text's bytes at once: byte j of column c goes to matrix[j, c]
        data = np.frombuffer(b"".join([encoded[row] for row in order.tolist()]), dtype=np.uint8)
        columns = np.repeat(np.arange(count), ordered_lengths)
        offsets = np.arange(total) - np.repeat(np.cumsum(ordered_lengths) - ordered_lengths, ordered_lengths)
        matrix = np.zeros((width, count), dtype=np.int32)
        matrix[offsets, columns] = data
        running = np.searchsorted(-ordered_lengths, -np.arange(width), side="right")  # texts longer than p
        # visited[p, c]: the state after byte p of column c; 0 (which emits nothing) past the text's end
        visited = np.zeros((width, count), dtype=np.int32)
        states = np.zeros(count, dtype=np.int32)
        for pos in range(width):
            k = int(running[pos])
            moves = self._rowbase[states[:k]]
            moves += matrix[pos, :k]
            states = visited[pos, :k]
            np.take(self._nextmove, moves, out=states)
        features = self._output[visited]
        at, column = np.nonzero(features >= 0)
        return order[column], features[at, column]


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of temperature-scaled scores (a copy)."""
    out = np.exp(scores - scores.max(axis=1, keepdims=True))
    out /= out.sum(axis=1, keepdims=True)
    return out


def _encode(text: str) -> bytes:
    # As LanguageIdentifier._encode does for str input.
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")
