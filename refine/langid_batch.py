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
        self._ptc_t = np.ascontiguousarray(identifier.nb_ptc.T)  # languages x features, float16 as shipped

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
        wanted = range(classes) if columns is None else columns
        scores = np.full((len(texts), classes), -np.inf if columns is not None else 0.0, dtype=np.float32)
        if not texts:
            return scores
        encoded = [_encode(t) for t in texts]
        lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
        rows, feats = self._walk(encoded, lengths)
        scores[:, list(wanted)] = 0.0  # a featureless text: uniform after a softmax, as in py3langid
        if rows.size:
            nfeat = ident.nb_ptc.shape[0]
            keys, counts = np.unique(rows.astype(np.int64) * nfeat + feats, return_counts=True)
            krows, kfeats = keys // nfeat, keys % nfeat
            weights = np.log1p(counts.astype(np.float32))
            has = np.zeros(len(encoded), dtype=bool)
            has[krows] = True
            temperature = (1.0 / np.sqrt(np.maximum(lengths, 1))).astype(np.float32)
            # one weighted bincount per language over a contiguous row of the transposed model: a few
            # passes over the batch's features, cheaper than gathering a (features x languages) block
            for c in wanted:
                total = np.bincount(krows, weights=weights * self._ptc_t[c][kfeats], minlength=len(encoded))
                scores[has, c] = (total[has] + ident.nb_pc[c]) * temperature[has]
        return scores

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
        if not rows_hit:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(rows_hit), np.concatenate(features_hit)


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
