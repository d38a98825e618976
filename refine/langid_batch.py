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
    """classify_many(texts) -> [(language, confidence)], for a py3langid LanguageIdentifier."""

    def __init__(self, identifier: LanguageIdentifier) -> None:
        self._id = identifier
        self._nextmove = np.asarray(identifier.tk_nextmove, dtype=np.int32)
        self._rowbase = np.asarray(identifier._rowbase, dtype=np.int32)
        self._output = np.asarray(identifier.tk_output, dtype=np.int32)

    def classify_many(self, texts: list[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        ident = self._id
        encoded = [_encode(t) for t in texts]
        lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
        # Longest first, one row per byte position: at position p the texts still running are a prefix of the
        # columns, so the walk costs the total length of the texts, not their count times the longest one.
        order = np.argsort(-lengths, kind="stable")
        ordered_lengths = lengths[order]
        width = int(ordered_lengths[0])
        matrix = np.zeros((max(width, 1), len(encoded)), dtype=np.int32)
        for column, row in enumerate(order.tolist()):
            data = encoded[row]
            if data:
                matrix[: len(data), column] = np.frombuffer(data, dtype=np.uint8)
        running = np.searchsorted(-ordered_lengths, -np.arange(width), side="right")  # texts longer than p

        states = np.zeros(len(encoded), dtype=np.int32)
        rows_hit: list[np.ndarray] = []
        features_hit: list[np.ndarray] = []
        for pos in range(width):
            k = int(running[pos])
            current = self._nextmove[self._rowbase[states[:k]] + matrix[pos, :k]]
            states[:k] = current
            features = self._output[current]
            idx = np.flatnonzero(features >= 0)
            if idx.size:
                rows_hit.append(order[idx])
                features_hit.append(features[idx])

        ptc = ident.nb_ptc
        classes = len(ident.nb_classes)
        norm = ident._norm_probs
        scores = np.zeros((len(encoded), classes), dtype=np.float32)
        has_features = np.zeros(len(encoded), dtype=bool)
        if rows_hit:
            rows = np.concatenate(rows_hit)
            feats = np.concatenate(features_hit)
            nfeat = ptc.shape[0]
            keys, counts = np.unique(rows.astype(np.int64) * nfeat + feats, return_counts=True)
            krows, kfeats = keys // nfeat, keys % nfeat
            weights = np.log1p(counts.astype(np.float32))
            contrib = weights[:, None] * ptc[kfeats]
            for c in range(classes):
                scores[:, c] = np.bincount(krows, weights=contrib[:, c], minlength=len(encoded))
            scores += ident.nb_pc
            has_features[krows] = True
        if norm:
            scores *= (1.0 / np.sqrt(np.maximum(lengths, 1))).astype(np.float32)[:, None]
            scores = np.exp(scores - scores.max(axis=1, keepdims=True))
            scores /= scores.sum(axis=1, keepdims=True)
            scores[~has_features] = 1.0 / classes  # featureless text: uniform, as py3langid (0.0 scores)
        else:
            scores[~has_features] = float(np.finfo(np.float32).min)
        for i, j in ident._alias_pairs:
            if norm:
                scores[:, i] += scores[:, j]
                scores[:, j] = 0.0
            else:
                scores[:, i] = np.maximum(scores[:, i], scores[:, j])
                scores[:, j] = float(np.finfo(np.float32).min)
        best = scores.argmax(axis=1)
        confidence = scores[np.arange(len(encoded)), best]
        labels = ident.nb_classes
        return [(labels[b], float(c)) for b, c in zip(best.tolist(), confidence.tolist(), strict=True)]


def _encode(text: str) -> bytes:
    # As LanguageIdentifier._encode does for str input.
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")
