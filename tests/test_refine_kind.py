"""Kind from the text (refine.kind): the declared kind is a prior, news is recognised, structure decides first."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import bench_module

from refine.kind import classify, classify_batch, vocabulary
from refine.pipeline import refine_and_cluster
from spiders import parsers
from vigie.core.errors import SectorsConfigError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _kind(title: str, summary: str = "", **signals) -> tuple[str, str]:
    options = {"family": "feed", "declared": "call", "has_deadline": False, "has_start": False} | signals
    return classify(title, summary, **options)


def _feed_items(name: str, kind: str | None) -> list[dict]:
    body = (FIXTURES / "feeds" / name).read_bytes()
    records = list(
        parsers.parse(body, "feed", source="f", url="https://example.org/feed", options={"kind": kind})
    )
    for record in records:
        record["kind"] = kind
    return refine_and_cluster(records, now=NOW).items


@pytest.mark.parametrize("kind", ["call", None])
def test_football_news_in_a_calls_feed_is_news(kind):
    items = _feed_items("rsparser_fcutrecht_nl_broken_xml_decl.rss", kind)
    assert len(items) == 20  # every entry kept: none refused for a missing kind
    assert {i["kind"] for i in items} == {"news"}


def test_psychology_magazine_is_news():
    items = _feed_items("picofeed_cerclepsy_fr.xml", "call")
    assert [i["kind"] for i in items] == ["news"] * 7
    assert items[0]["kind_reason"] == "no-opportunity-cue"


def test_call_vocabulary_in_three_languages():
    assert _kind("Appel à projets « Arts de la scène » 2027", declared=None) == ("call", "text:call")
    assert _kind("Open oproep: projectsubsidies voor makers", declared=None)[0] == "call"
    assert _kind("Open call for artists: residency in Ghent", declared=None)[0] == "call"


def test_german_calls_tenders_and_news():
    # config/kinds.toml `de` lists: German sources of members in Germany and Austria
    assert _kind("Scrum Day 2016: Bewerbungen für Vorträge und Workshops", declared=None)[0] == "call"
    title = "Stipendium für junge Künstlerinnen und Künstler 2027"
    assert _kind(title, "Bewerbungsfrist: 30. April 2027.", declared=None)[0] == "call"
    assert _kind("Öffentliche Ausschreibung: Gestaltung der Ausstellung", declared=None)[0] == "tender"
    assert _kind("Infoveranstaltung für Kulturschaffende", declared=None, has_start=True)[0] == "event"
    summary = "Die Förderung durch den Staat endet, ein Angebot für Kunden."  # weak words, no date: news
    assert _kind("Neues Smartphone vorgestellt", summary, declared=None)[0] == "news"


def test_info_session_in_a_calls_feed_is_an_event_when_dated():
    assert _kind("Infosessie projectsubsidies kunsten", has_start=True) == ("event", "text:event")
    # without a date to attend, an announced session is not something to put in an agenda
    assert _kind("Infosessie voor makers") == ("news", "event-without-date")


def test_tender_vocabulary_beats_the_declared_call():
    assert _kind("Marché public de services de captation vidéo", declared="call") == ("tender", "text:tender")


def test_official_notices_are_tenders_whatever_the_text():
    assert _kind("Concours de maîtrise d'œuvre", family="eforms") == ("tender", "notice:eforms")
    assert _kind("Call for Expressions of Interest", family="ted_r2") == ("tender", "notice:ted_r2")


def test_calendar_entries_are_events_unless_plainly_a_call():
    assert _kind("Repair Café", family="ics", declared="event", has_start=True) == ("event", "structured:ics")
    assert (
        _kind("Appel à candidatures résidences 2027", family="ics", declared="event", has_start=True)[0]
        == "call"
    )


def test_uitdatabank_offers_are_events_whatever_their_text():
    # udb3-backend's test data: a permanent offer "Filmtrailers" (no start, no event words) and an event whose
    # start "500 BC" cannot be read; an events database holds no news: the second is quarantined as an event.
    assert _kind("Filmtrailers", family="uitdatabank", declared="event", has_start=True) == (
        "event",
        "structured:uitdatabank",
    )
    assert _kind("Filmtrailers", family="uitdatabank", declared="event") == (
        "event",
        "structured:uitdatabank",
    )


def test_weak_words_need_a_date():
    assert _kind("Apple wins design award", declared=None)[0] == "news"
    assert _kind("Photography award 2027", declared=None, has_deadline=True) == (
        "call",
        "weak-text:call+deadline",
    )


def test_a_deadline_alone_makes_a_call():
    assert _kind("Festival Off 2027 : programmation", declared=None, has_deadline=True)[0] in (
        "call",
        "event",
    )
    assert _kind("Quinzaine des réalisateurs", declared=None, has_deadline=True) == ("call", "deadline")


def test_a_call_word_in_the_body_of_a_football_report_is_no_call():
    # as in a sports feed's live report: a player named Grant, the transfer "deadline" and its date
    report = "Dundee United have signed Grant Gillespie from Hamilton before the transfer deadline."
    assert _kind("Transfer deadline day – live!", report, has_deadline=True) == ("news", "off-topic")
    # the same words without the football are a call, and a title that says so keeps it one
    assert _kind("Deadline day", "A grant for makers, apply before the deadline.")[0] == "call"
    assert _kind("Open call: a film about football", report) == ("call", "text:call")


def test_batch_gives_the_same_answers_in_order():
    rows = [
        {"title": "Appel à projets", "family": "feed"},
        {"title": "FC Utrecht wint met 3-1", "family": "feed", "declared": "call"},
        {"title": "x", "family": "bosa"},
    ]
    assert [k for k, _ in classify_batch(rows)] == ["call", "news", "tender"]


def test_vocabulary_errors_name_the_file_and_kind(tmp_path):
    path = tmp_path / "kinds.toml"
    path.write_text('[[kind]]\nid = "party"\n', encoding="utf-8")
    with pytest.raises(SectorsConfigError, match=r"kinds\.toml: \[\[kind\]\] id 'party'"):
        vocabulary(path)


def _eval():
    return bench_module("evals/kinds.py")


def test_labelled_set_is_large_real_and_split_by_hash():
    rows = _eval().read_rows()
    assert len(rows) >= 400
    assert {r["expected"] for r in rows} == {"call", "event", "tender", "news"}
    held_out = sum(r["split"] == "held-out" for r in rows)
    assert 0.4 < held_out / len(rows) < 0.6


def test_held_out_targets():
    result = _eval().run("held-out")
    if result["skipped_corpus_absent"]:
        pytest.skip("../shared/corpus absent: some held-out rows are references into it")
    # Measured 2026-11-23 on 220 held-out rows: news pushed 0.0, recognised 0.989, accuracy 0.989.
    assert result["news_reaching_newsletter"] <= 0.03
    assert result["opportunities_recognised"] >= 0.95
    assert result["kind_accuracy_among_opportunities"] >= 0.90
