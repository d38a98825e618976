"""Language detection: accuracy on the labelled set of real titles/summaries, declared languages, short texts."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

from refine.language import DETECTOR_LANGS, _detector, detect_language, detect_many, normalise_declared

LABELLED = Path(__file__).resolve().parent / "labelled" / "languages.tsv"
_WORD = re.compile(r"[^\W\d_]+")


def _rows() -> list[dict[str, str]]:
    with LABELLED.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_labelled_set_is_large_real_split_and_well_formed():
    rows = _rows()
    assert len(rows) >= 600
    assert {"fr", "nl", "en", "de", "it", "sk", "ru", "zh", "el", "pl"} <= {r["lang"] for r in rows}
    real = [r for r in rows if r["origin"] != "written"]
    assert len(real) > len(rows) * 0.7, "real corpus texts must be the large majority"
    assert all(r["text"].strip() and r["origin"] for r in rows)
    assert {r["split"] for r in rows} == {"tuned", "held-out"}
    assert 0.4 <= sum(r["split"] == "held-out" for r in rows) / len(rows) <= 0.6
    assert sum(len(_WORD.findall(r["text"])) <= 4 for r in rows) >= 150, "enough short texts to measure them"


@pytest.mark.parametrize(("part", "overall", "short"), [("tuned", 0.96, 0.90), ("held-out", 0.96, 0.88)])
def test_accuracy_on_each_part_of_the_labelled_set(part, overall, short):
    rows = [r for r in _rows() if r["split"] == part]
    predictions = detect_many([r["text"] for r in rows])
    pairs = list(zip(rows, predictions, strict=True))
    accuracy = sum(p == r["lang"] for r, p in pairs) / len(rows)
    shorts = [(r, p) for r, p in pairs if len(_WORD.findall(r["text"])) <= 4]
    short_accuracy = sum(p == r["lang"] for r, p in shorts) / len(shorts)
    # A confident wrong answer is worse than None ("unknown"): count them separately.
    wrong = [(r["text"], r["lang"], p) for r, p in pairs if p is not None and p != r["lang"]]
    # Measured 2026-12-01 (bench/tagging_eval.py): tuned 0.969 / 0.890 (324 texts, 82 short), held-out
    # 0.975 / 0.909 (355 texts, 99 short), 2 wrong in each part. Then 48 real short NL/EN texts were added
    # (BOSA CPV labels, US council meeting titles: SOURCES.md), harder than the rest: before the spelling cues
    # and lexicon words written on the tuned part, tuned 0.960 / 0.877 (348, 106 short), held-out 0.966 / 0.894
    # (379, 123 short); after, tuned 0.971 / 0.915, held-out unchanged. The targets (held-out 0.97 and
    # 0.92) are not met on this larger set: the floors below guard against a regression.
    assert accuracy >= overall, f"{part} overall accuracy {accuracy:.3f}"
    assert short_accuracy >= short, f"{part} <= 4 words accuracy {short_accuracy:.3f}"
    # held-out: 5 since the rows added for short NL/EN texts (3 of the 5 are among them)
    assert len(wrong) <= 5, f"confident wrong answers: {wrong}"


def test_declared_language_is_trusted_on_short_and_medium_texts():
    # BOSA declares this English title as French: too short to overrule.
    assert detect_language("High Sampling Rate Oscilloscope", "FR") == "fr"
    assert detect_language("Workshop", "nl") == "nl"


def test_declared_language_is_overruled_by_a_long_clearly_other_text():
    text = (
        "For the beam commissioning of the MYRRHA Phase I 100 MeV high power proton LINAC a High Sampling Rate "
        "Oscilloscope is needed as digitizer for the beam position monitors"
    )
    assert detect_language(text, "FR") == "en"


@pytest.mark.parametrize(
    ("declared", "code"),
    [
        ("FR", "fr"),
        ("fr-BE", "fr"),
        ("NLD", "nl"),
        ("dut", "nl"),
        ("ENG", "en"),
        ("de_DE", "de"),
        ("Nederlands", "nl"),
        ("ita", "it"),
        ("ru-RU", "ru"),
        ("mul", None),
        ("", None),
    ],
)
def test_declared_spellings_are_normalised(declared, code):
    assert normalise_declared(declared) == code


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Appel à projets", "fr"),
        ("Oproep kunstenaars", "nl"),
        ("Call for artists", "en"),
        ("Job fair", "en"),
        ("Projectsubsidie 2027", "nl"),
        ("Marché public", "fr"),
        ("Overheidsopdracht", "nl"),
        ("Tender", "en"),
        ("Subsides culture", "fr"),
    ],
)
def test_short_titles_are_settled_by_the_domain_lexicon(text, lang):
    assert detect_language(text) == lang


def test_short_text_without_signal_is_unknown_not_guessed():
    assert detect_language("XJ-42 Qz") is None
    assert detect_language("2027") is None
    assert detect_language("2027", "nl") == "nl"


def test_bilingual_title_takes_the_language_of_its_first_part():
    assert (
        detect_language(
            "Conception et impression de la brochure annuelle / Ontwerp en druk van de jaarbrochure"
        )
        == "fr"
    )
    assert (
        detect_language(
            "Ontwerp en druk van de jaarbrochure / Conception et impression de la brochure annuelle"
        )
        == "nl"
    )
    # A slash inside a reference number is not a language boundary.
    assert (
        detect_language("Nettoyage des bâtiments 2023/DVZOE/CLEANING lot 4 pour la période 2024-2027") == "fr"
    )


def test_long_summary_is_detected_from_its_start():
    summary = (
        "Het project omvat renovatie, gedeeltelijke heropbouw en nieuwbouw van het kinderdagverblijf. " * 100
    )
    assert detect_language(summary) == "nl"


def test_empty_text_falls_back_to_declared():
    assert detect_language("", "NL") == "nl"
    assert detect_language("   ") is None


def test_detect_many_matches_detect_language_and_checks_lengths():
    texts = [
        "Appel à projets arts de la scène 2027",
        "Oproep voor beeldende kunstenaars",
        "Call for proposals",
    ]
    assert detect_many(texts) == [detect_language(t) for t in texts]
    assert detect_many(texts, ["nl", None, "fr"]) == ["nl", "nl", "fr"]
    with pytest.raises(ValueError, match="3 texts but 1 declared"):
        detect_many(texts, ["fr"])


def test_detector_is_loaded_once():
    assert _detector() is _detector()
    assert set(_detector().nb_classes) == set(DETECTOR_LANGS)


def test_batch_classifier_gives_py3langids_answers_on_the_labelled_set():
    from refine.langid_batch import BatchClassifier

    texts = [r["text"] for r in _rows()] + ["", "2027", "!!!", "ÉCOLE DE CIRQUE", "Ü" * 300]
    single = [_detector().classify(t) for t in texts]
    batch = BatchClassifier(_detector()).classify_many(texts)
    assert [lang for lang, _ in batch] == [lang for lang, _ in single]
    assert max(abs(a - b) for (_, a), (_, b) in zip(batch, single, strict=True)) < 1e-4


def test_batch_scores_of_some_languages_are_those_of_the_model_restricted_to_them():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from refine.langid_batch import BatchClassifier

    texts = [r["text"] for r in _rows()[:200]]
    restricted = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    restricted.set_languages(["fr", "nl", "en", "de"])
    classifier = BatchClassifier(_detector())
    columns = [classifier.labels.index(lang) for lang in restricted.nb_classes]
    scores = classifier.scores_many(texts, columns)
    assert all(
        s == float("-inf") for s in scores[0][[c not in columns for c in range(len(classifier.labels))]]
    )
    for text, row in zip(texts, scores, strict=True):
        lang, confidence = restricted.classify(text)
        probabilities = np.exp(row[columns] - row[columns].max())
        probabilities /= probabilities.sum()
        assert restricted.nb_classes[int(probabilities.argmax())] == lang
        assert abs(float(probabilities.max()) - confidence) < 1e-4


def test_batch_detections_are_those_of_each_text_alone():
    """A primed batch answers, for each text, what its own probabilities answer: the label probabilities fold the
    detector's columns (aliased labels summed), and the best of fr/nl/en/de and the probability of another
    language come out bit for bit as _best() and a sum over one text give them."""
    from refine import language
    from vigie.core.languages import ITEM_LANGS

    texts = [r["text"] for r in _rows()] + ["Ü" * 300, "!!!"]
    classifier = language._batch_classifier()
    scores = classifier.scores_many(texts, language._script_columns(None))
    softmax = np.exp(scores - scores.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    detections = language._detections(scores)
    assert len(detections) == len(texts)
    others = language._indexes(language._OTHER_LANGS)
    for row, (probabilities, other, other_confidence, lang, confidence) in zip(
        softmax, detections, strict=True
    ):
        for index, code in enumerate(DETECTOR_LANGS):
            columns = [c for c, label in enumerate(classifier.labels) if label == code]
            assert probabilities[index] == pytest.approx(float(row[columns].sum()), abs=1e-7)
        assert (lang, confidence) == language._best(probabilities, ITEM_LANGS)
        assert other == language._OTHER_LANGS[int(probabilities[others].argmax())]
        assert other_confidence == float(probabilities[others].sum()) / float(probabilities.sum())
    assert {lang for _, _, _, lang, _ in detections[:-2]} >= {"fr", "nl", "en", "de"}


def test_primed_answers_are_the_detectors_answers(monkeypatch):
    from refine import language

    rows = _rows()
    texts, declared = (
        [r["text"] for r in rows],
        [None, "fr", "nl"] * (len(rows) // 3) + [None] * (len(rows) % 3),
    )
    monkeypatch.setattr(language, "_primed", {})
    alone = [detect_language(t, d) for t, d in zip(texts, declared, strict=True)]
    language.prime(texts, declared)
    assert len(language._primed) > len(rows) / 2  # the long texts were classified ahead
    assert [detect_language(t, d) for t, d in zip(texts, declared, strict=True)] == alone


def test_a_full_cache_keeps_every_text_of_the_batch_it_primes(monkeypatch):
    # When the cache is full it starts again with the batch at hand, all of it: a text primed by an earlier
    # batch must not be lost, or its answer would depend on which texts came before (forked refine copies
    # each see other batches: refine.fork_runner).
    from refine import language

    texts = [r["text"] for r in _rows()]
    long = [t for t in texts if len(t.split()) >= language.OVERRULE_MIN_WORDS]
    monkeypatch.setattr(language, "_primed", {})
    monkeypatch.setattr(language, "_PRIMED_MAX", len(long) // 2)
    language.prime(long[:3], [None] * 3)
    language.prime(long, [None] * len(long))  # overflows: cleared, then the whole batch
    primed = set(language._primed)
    assert all(language._read(t)[0] in primed for t in long[:3])
    assert len(primed) >= len(long) - 5  # a few texts share a sample or are settled by their script


# Real texts of the shared corpus (tests/labelled/SOURCES.md): feeds/picofeed_ibash_ru_windows-1251.xml,
# feeds/rsparser_kc0011_gb2312.rss, feeds/rsparser_aktuality_sk.rss, TED notices ted-creative/ted_r209_*.
@pytest.mark.parametrize(
    ("text", "declared", "lang"),
    [
        (
            "Что быстрее найти на сайте знакомств? a) Симпатичную не глупую девушку. б) SQL Injection.",
            None,
            "ru",
        ),
        (
            "Что быстрее найти на сайте знакомств? a) Симпатичную не глупую девушку. б) SQL Injection.",
            "de",
            "ru",
        ),
        ("辛亥革命2原卷", None, "zh"),
        ("辛亥革命2原卷", "fr", "zh"),
        ("Κατασκευαστικές εργασίες για αθλητικές εγκαταστάσεις", "nl", "el"),
        ("Servizi di produzione di film e video", None, "it"),
        ("Guatemalská polícia použila slzotvorný plyn proti migrantom smerujúcim do USA", None, "sk"),
        ("Služby spravodajských agentúr", None, "sk"),
        ("Bielorusko: V niekoľkých mestách pokračovali protesty proti Lukašenkovi", "sk", "sk"),
    ],
)
def test_other_languages_are_named_truthfully_never_forced_into_fr_nl_en_de(text, declared, lang):
    assert detect_language(text, declared) == lang


def test_a_language_of_another_script_declared_for_a_latin_text_is_not_kept():
    assert detect_language("Call for proposals", "ru") == "en"


def test_a_short_text_in_another_language_is_named_not_forced():
    # TED's Swedish CPV label (ted-creative/ted_r209_607424-2021.xml): the procurement vocabulary names it
    # (refine.language_lexicon), never Dutch or German.
    assert detect_language("Film- och videoproduktion") == "sv"


def test_languages_of_the_other_texts_are_not_candidates():
    assert detect_language("Oproep kunstenaars") == "nl"
    assert detect_language("Oproep kunstenaars", exclude=("nl",)) != "nl"


def test_refine_names_the_language_of_a_russian_entry_in_a_feed_declared_french():
    from datetime import UTC, datetime

    from refine.record import refine_one

    record = {
        "source": "feed-test",
        "native_id": "16085",
        "kind": "call",
        "language": "fr",  # the registry's default for the source
        "title": "Цитата #16085",
        "summary": "Что быстрее найти на сайте знакомств? a) Симпатичную не глупую девушку. б) SQL Injection.",
    }
    item, reason = refine_one(record, datetime(2026, 12, 1, tzinfo=UTC))
    assert reason is None
    assert item["language"] == "ru"


def test_a_spelling_of_one_language_settles_a_short_title_the_detector_agrees_with():
    # Tuned rows of tests/labelled/languages.tsv: "Straw" (a BOSA CPV label) has no lexicon word; "-aw" is
    # written in English only, and the detector's choice among fr/nl/en/de is English too.
    assert detect_language("Straw") == "en"
    # Accents are written in other languages too: a Hungarian CPV label stays Hungarian (TED), not French.
    assert detect_language("Ételkészítési szolgáltatások") == "hu"


def test_finance_and_risk_words_name_short_tender_titles():
    # Tuned rows: BOSA lot title and a TED eForms award criterion.
    assert detect_language("Lot 3 : Plan financier") == "fr"
    assert detect_language("risicoplan (Criterium 2)") == "nl"


def test_refine_many_primes_only_the_texts_it_detects(monkeypatch):
    """A title the source declares per text needs no detection; a title Vigie wrote is detected from the summary
    alone; both give the answers refine_one (nothing primed) gives."""
    from datetime import UTC, datetime

    from factories import make_item

    import refine.record as record

    now = datetime(2026, 12, 1, tzinfo=UTC)
    declared = make_item(
        1,
        language="fr",
        title="Aankoop van podiumtechniek",
        summary="Levering en plaatsing.",
        texts={"nl": {"title": "Aankoop van podiumtechniek", "summary": "Levering en plaatsing."}},
    )
    generated = make_item(
        2,
        language=None,
        title="Ancienne Belgique · 2027-03-02 20:00",
        flags=["title_generated"],
        summary="Concert of the Brussels Philharmonic with a new programme of film music",
        texts={},
    )
    plain = make_item(
        3,
        language=None,
        texts={},
        title="Projectoproep voor kunstenaars in residentie",
        summary="De stad Gent zoekt kunstenaars voor een residentie van drie maanden.",
    )
    primed: list[list[str]] = []
    monkeypatch.setattr(record, "prime_language", lambda texts, hints: primed.append(list(texts)))
    records = [declared, generated, plain]
    outcomes = record.refine_many([dict(r) for r in records], now)
    assert primed == [[generated["summary"], f"{plain['title']} {plain['summary']}"]]
    assert [item["language"] for item, _ in outcomes] == ["nl", "en", "nl"]
    assert outcomes == [record.refine_one(dict(r), now) for r in records]
