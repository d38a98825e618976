"""The labels of sectors.tsv follow from three blind readings (bench/evals/agreement.py), and are scored so."""

from __future__ import annotations

from factories import bench_module


def _agreement():
    return bench_module("evals/agreement.py")


def _ids(value: str) -> set[str]:
    return {s for s in value.split(",") if s}


def test_agreement_scores_a_second_reading_like_the_tagger():
    figures = _agreement().agreement(
        [({"music"}, {"music"}), ({"music", "events"}, {"music"}), (set(), {"digital"}), ({"digital"}, set())]
    )
    assert figures["exact_match"] == 0.25
    assert figures["macro_recall"] == round((1.0 + 0.0 + 0.0) / 3, 3)  # music 2/2, events 0/1, digital 0/1
    assert figures["macro_precision"] == round((1.0 + 0.0 + 0.0) / 3, 3)  # digital's one answer was wrong


def test_a_label_is_what_two_of_three_readers_gave():
    settled = _agreement().settled
    assert settled({"music"}, {"music"}, None) == {"music"}
    # the first two differ: each sector two readers gave
    assert settled({"music", "performing-arts"}, {"music", "events"}, {"music"}) == {"music"}
    assert settled(set(), {"environment"}, {"environment"}) == {"environment"}
    assert settled({"consulting"}, set(), {"digital"}) == set()
    # news follows the rule (gadget news gets none), which the readers did not have
    assert settled(set(), {"digital"}, {"digital"}, news=True) == set()


def test_every_row_is_read_twice_and_every_disagreement_three_times():
    agreement = _agreement()
    first, second, third = agreement.readings()
    assert len(first) == len(second) == 839
    differ = {
        (a["origin"], a["title"])
        for a, b in zip(first, second, strict=True)
        if _ids(a["sectors"]) != _ids(b["sectors"])
    }
    assert set(third) == differ
    assert 100 <= len(differ) <= 150  # about one row in five: two careful readers of one rule


def test_sectors_tsv_holds_the_settled_labels():
    agreement = _agreement()
    first, second, third = agreement.readings()
    labelled = agreement._read("sectors.tsv")
    changed = 0
    for row, a, b in zip(labelled, first, second, strict=True):
        key = (row["origin"], row["title"])
        third_ids = _ids(third[key]["sectors"]) if key in third else None
        expected = agreement.settled(
            _ids(a["sectors"]), _ids(b["sectors"]), third_ids, news=row["kind"] == "news"
        )
        assert _ids(row["expected"]) == expected, row["title"]
        changed += expected != _ids(a["sectors"])
    # SOURCES.md: 67 of the first 588 rows, 1 of the 73 TED notices, 7 of the 100 agenda texts and notices and
    # 3 of the 78 Paris agenda events added on 2026-12-04
    assert changed == 78
