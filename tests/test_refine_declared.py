"""The source's own classification of an event (schema.org type, UiTdatabank type and themes, iCalendar
CATEGORIES) gives its sectors: sectors.toml `declared`, read by refine.sectors."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from refine.pipeline import refine
from refine.sectors import tag_sectors, taxonomy
from spiders.parsers import ics, schemaorg, uitdatabank
from vigie.core.errors import SectorsConfigError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2017, 6, 1, tzinfo=UTC)


def _refined(records: list[dict], now: datetime = NOW) -> list[dict]:
    result = refine(records, now=now)
    assert not result.quarantined, result.quarantined
    return result.items


def test_a_schemaorg_music_event_is_music_though_its_title_is_a_name():
    # recorded songkick page: "Tove Styrke" says nothing of music, its "@type": "MusicEvent" does
    body = (FIXTURES / "html" / "extruct_songkick_tovestyrke.html").read_bytes()
    [record] = schemaorg.parse(body, source="songkick", url="https://www.songkick.com/artists/tovestyrke")
    assert record["categories"] == ["musicevent"]
    assert tag_sectors(record["title"], [], [], title=record["title"], kind="event") == []
    [item] = _refined([record])
    assert item["sectors"] == ["music"]


def _uitdatabank(**extra_terms: str) -> list[dict]:
    doc = json.loads((FIXTURES / "uitdatabank" / "uitdatabank_search_v3_embed_facets.json").read_bytes())
    doc = copy.deepcopy(doc)
    for domain, label in extra_terms.items():
        doc["member"][0]["terms"].append({"id": "1.0.1.0.0", "label": label, "domain": domain})
    return list(uitdatabank.parse(json.dumps(doc).encode(), source="uit"))


def test_uitdatabank_type_and_themes_are_read():
    records = _uitdatabank()
    assert {tuple(r["categories"]) for r in records} == {("Tentoonstelling",)}
    assert _uitdatabank(theme="Schilderkunst")[0]["categories"] == ["Tentoonstelling", "Schilderkunst"]


def test_an_exhibition_is_no_sector_by_itself_a_painting_theme_is_visual_arts():
    # recorded UiTdatabank event typed "Tentoonstelling": an exhibition of a church's history would be heritage
    assert tag_sectors("Expo", [], [], title="Expo", kind="event", declared=["Tentoonstelling"]) == []
    for title, declared, sectors in [
        ("Expo", ["Tentoonstelling", "Schilderkunst"], ["visual-arts"]),
        ("Expo", ["Tentoonstelling", "Erfgoed"], ["heritage"]),
        ("Les", ["Cursus of workshop", "Fotografie"], ["photography", "education-training"]),
        ("Avond", ["Concert", "Klassieke muziek"], ["music"]),
        ("Avond", ["Theatervoorstelling", "Humor en comedy"], ["performing-arts"]),
    ]:
        assert tag_sectors(title, [], [], title=title, kind="event", declared=declared) == sectors, declared


def test_names_match_whole_and_folded_and_news_keeps_none():
    assert tag_sectors("x", [], [], title="x", kind="event", declared=["  CONCERT "]) == ["music"]
    assert tag_sectors("x", [], [], title="x", kind="event", declared=["Concert hall"]) == []
    assert tag_sectors("x", [], [], title="x", kind="event", declared=["poëzie"]) == ["writing-publishing"]
    assert tag_sectors("x", [], [], title="x", kind="news", declared=["Concert"]) == []


CALENDAR = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:a@example.org
DTSTART:20170612T190000Z
SUMMARY:Zomeravond
CATEGORIES:Concert,Buiten
END:VEVENT
BEGIN:VEVENT
UID:b@example.org
DTSTART:20170613T190000Z
SUMMARY:Zitting
CATEGORIES:Administrative Day
END:VEVENT
END:VCALENDAR
"""


def test_ics_categories_give_a_sector_only_when_they_name_one():
    records = list(ics.parse(CALENDAR, source="agenda", url="https://agenda.example.org/a.ics"))
    assert [r["categories"] for r in records] == [["Concert", "Buiten"], ["Administrative Day"]]
    items = {i["title"]: i for i in _refined(records)}
    assert items["Zomeravond"]["sectors"] == ["music"]
    assert items["Zitting"]["sectors"] == []


def test_declared_must_be_a_list_of_names(tmp_path):
    path = tmp_path / "sectors.toml"
    path.write_text('[[sector]]\nid = "music"\ndeclared = "MusicEvent"\n', encoding="utf-8")
    with pytest.raises(SectorsConfigError, match=r"sector 'music': declared should be a list of names"):
        taxonomy(path)
