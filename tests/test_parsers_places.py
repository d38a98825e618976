"""Events abroad (issue 13 class 11): a naive local time is read in the place's time zone when the page or the
calendar says where it is; Europe/Brussels otherwise; `country` from the address. Real US meeting pages
(City Bureau, MIT) and Songkick pages (extruct, BSD), refined with time frozen."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine

from refine.pipeline import refine_and_cluster
from spiders.parsers import _place, ics, schemaorg

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = "2019-11-01T09:00:00+00:00"


def refined(records: list[dict]) -> list[dict]:
    with time_machine.travel(NOW, tick=False):
        from datetime import UTC, datetime

        return refine_and_cluster(records, now=datetime.now(UTC)).items


def page(name: str) -> list[dict]:
    body = (FIXTURES / "html" / name).read_bytes()
    return refined(list(schemaorg.parse(body, source="t", url=f"https://example.org/{name}", options={})))


def test_microdata_region_il_reads_chicago_time():
    [meeting] = page("cityscrapers_chi_chi_ssa_19_detail.html")
    assert meeting["starts_at"] == "2019-11-20T08:30:00-06:00"


def test_microdata_region_il_gives_country_us():
    [meeting] = page("cityscrapers_chi_chi_ssa_19_detail.html")
    assert meeting["country"] == "US"


def test_address_text_without_state_uses_the_state_the_page_names():
    # JSON-LD addresses are a street only; the notices say "… Chicago, Illinois".
    meetings = page("cityscrapers_chi_cook_landbank.html")
    finance = next(m for m in meetings if m["starts_at"].startswith("2019-12-13T09"))
    assert finance["starts_at"] == "2019-12-13T09:00:00-06:00"


def test_cleveland_page_reads_eastern_time():
    [meeting] = page("cityscrapers_cle_cle_cpc_detail.html")
    assert meeting["starts_at"] == "2024-02-01T00:00:00-05:00"


def test_songkick_address_country_gives_country():
    [concert] = page("extruct_songkick_tovestyrke.html")
    assert concert["country"] == "GB"


def test_belgian_page_keeps_brussels_time():
    body = (FIXTURES / "html" / "handmade_events_schemaorg.html").read_bytes()
    records = list(schemaorg.parse(body, source="t", url="https://agenda.example.be/", options={}))
    mons = next(r for r in records if "Mons" in (r["location"] or ""))
    assert (mons["starts_at"], mons["timezone"]) == (
        "2027-04-17T10:00:00",
        None,
    )  # refine reads it in Brussels


def test_ics_floating_time_at_a_place_abroad():
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\nSUMMARY:Treffen\r\n"
        b"DTSTART:20270110T190000\r\nLOCATION:Treffpunkt Freizeit\\, Am Neuen Garten 64\\, 14469 Potsdam\\, Deutschland"
        b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    [event] = list(ics.parse(body, source="t"))
    assert event["timezone"] == "Europe/Berlin"
    assert event["country"] == "DE"


def test_ics_floating_time_without_a_place_stays_brussels():
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\nSUMMARY:Atelier\r\n"
        b"DTSTART:20270110T190000\r\nLOCATION:Maison des artistes\\, 1060 Saint-Gilles\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    [event] = list(ics.parse(body, source="t"))
    assert event["timezone"] is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Roadstar 16 12764 Happyville Denmark", ("DK", None)),
        ("3631 Perkins Avenue Cleveland, OH 44114", ("US", "OH")),
        ("Kunstencentrum, Gent, België", ("BE", None)),
        ("Place de France", None),
        ("Rue d'Espagne 12, 1060 Saint-Gilles", None),
    ],
)
def test_place_named_at_the_end_of_an_address(text, place):
    assert _place.in_text(text) == place


@pytest.mark.parametrize(
    ("value", "code"), [("BEL", "BE"), ("Belgique", "BE"), ("UK", "GB"), ("Atlantis", None)]
)
def test_country_names_and_codes(value, code):
    assert _place.country_code(value) == code
