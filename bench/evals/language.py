"""Language detection (refine.language) against tests/labelled/languages.tsv, one split at a time.

    .venv/bin/python bench/evals/language.py [--part tuned|held-out|all]

Texts are read alone (no declared language, no summary): the hardest case, that of a feed entry with no
language. Accuracy counts an unknown answer (None) as a miss; `wrong` counts confident wrong answers only.
`short_unlisted`: the short texts whose words the EU procurement vocabulary does not all list (many short rows
are CPV labels, which refine.language_lexicon knows word for word).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parents[1]))  # after the root: bench/refine.py is not refine/

from evals import labelled_rows, standalone  # noqa: E402
from refine.language import detect_many  # noqa: E402
from refine.language_lexicon import all_listed  # noqa: E402

SHORT_WORDS = 4
_WORD = re.compile(r"[^\W\d_]+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def run(part: str = "held-out") -> dict[str, Any]:
    rows = labelled_rows("languages.tsv", part)
    predictions = detect_many([r["text"] for r in rows])
    pairs = list(zip(rows, predictions, strict=True))
    short = [(r, p) for r, p in pairs if word_count(r["text"]) <= SHORT_WORDS]
    # Short texts the EU procurement vocabulary does not list word for word (refine.language_lexicon): how the
    # rules do beyond the CPV's own labels, which many short rows are.
    unlisted = [(r, p) for r, p in short if not all_listed(_WORD.findall(r["text"]))]
    per_lang: dict[str, list[int]] = {}
    for r, p in pairs:
        hits = per_lang.setdefault(r["lang"], [0, 0])
        hits[0] += p == r["lang"]
        hits[1] += 1
    correct = sum(p == r["lang"] for r, p in pairs)
    unknown = sum(p is None for _, p in pairs)
    return {
        "language_texts": len(rows),
        "language_accuracy": round(correct / len(rows), 4),
        "language_short_texts": len(short),
        "language_short_accuracy": round(sum(p == r["lang"] for r, p in short) / len(short), 4),
        "language_short_unlisted_texts": len(unlisted),
        "language_short_unlisted_accuracy": round(
            sum(p == r["lang"] for r, p in unlisted) / max(len(unlisted), 1), 4
        ),
        "language_unknown": unknown,
        "language_wrong": len(rows) - correct - unknown,
        "language_per_language": {k: round(h[0] / h[1], 3) for k, h in sorted(per_lang.items())},
        "language_errors": [
            {"text": r["text"], "expected": r["lang"], "got": p} for r, p in pairs if p != r["lang"]
        ],
    }


def summary_line(figures: dict[str, Any]) -> str:
    return (
        f"language: {figures['language_texts']} texts, accuracy {figures['language_accuracy']:.3f}; "
        f"<= {SHORT_WORDS} words: {figures['language_short_texts']} texts, "
        f"accuracy {figures['language_short_accuracy']:.3f}; {len(figures['language_errors'])} misses"
    )


if __name__ == "__main__":
    standalone(__doc__, run, summary_line)
