"""A single call page (issue 13 class 10): an agency's or NGO's page about one call, no schema.org event, no
registry selectors. `vigie parse page.html --kind call` gives one item; the deadline stated in the page's text
reaches refine. Hand-made page in tests/fixtures; the real fundsforNGOs pages are read from ../shared (no licence
to copy them) and skipped when it is absent. Time frozen."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine

from flows.parse_file import parse_file
from spiders import parsers
from spiders.parsers import single_page
from vigie.core.errors import ParseError

HTML = Path(__file__).resolve().parent / "fixtures" / "html"
CALL = HTML / "handmade_call_page.html"
NOW = "2027-02-01T09:00:00+01:00"


@pytest.fixture(scope="module")
def call() -> dict:
    with time_machine.travel(NOW, tick=False):
        [item] = parse_file(CALL, kind="call").items
    return item


def test_single_call_page_is_detected():
    assert parsers.detect_family(CALL.read_bytes(), CALL.name) == "page"


def test_single_call_page_title_is_the_h1_without_the_site_name(call):
    assert call["title"] == "Appel à projets Résidences 2027"


def test_single_call_page_url_is_the_canonical_link(call):
    assert call["url"] == "https://agence-scene.example.be/appels/residences-2027"


def test_single_call_page_organiser_is_the_site_name(call):
    assert call["organiser"] == "Agence des arts de la scène"


def test_single_call_page_language_is_the_html_lang(call):
    assert call["language"] == "fr"


def test_single_call_page_kind(call):
    assert call["kind"] == "call"


def test_single_call_page_deadline_from_the_body_text(call):
    assert call["deadline_at"] == "2027-03-15T12:00:00+01:00"


def test_single_call_page_deadline_precision(call):
    assert call["deadline_precision"] == "datetime"


def test_single_call_page_status(call):
    assert call["status"] == "open"


def test_single_call_page_published(call):
    assert call["published_at"] == "2027-01-11T09:30:00+01:00"


def test_single_call_page_summary_has_the_description_and_the_text_but_not_the_navigation(call):
    assert call["summary"].startswith("Appel à projets pour des résidences de création en 2027")
    assert "Date limite de dépôt des dossiers : 15/03/2027 à 12h00." in call["summary"]
    assert "newsletters" not in call["summary"]
    assert "Diffusion 2026" not in call["summary"]  # the aside's other call


def test_page_without_title_or_text_gives_nothing():
    assert list(single_page.parse(b"<html><head></head><body> </body></html>", source="t")) == []


def test_listing_page_without_linked_entries_is_refused_with_the_reason():
    body = (
        b'<html><head><script type="application/ld+json">{"@type": "CollectionPage", "name": "Calls"}</script>'
        b"</head><body><h1>Calls</h1><p>Many calls</p></body></html>"
    )
    with pytest.raises(ParseError, match="a listing page .* no linked entries: .* html_list"):
        list(single_page.parse(body, source="t", url="https://example.org/calls"))


# ---------------------------------------------------------------- real pages (../shared)


@pytest.fixture
def fundsforngos(shared_corpus: Path) -> Path:
    return shared_corpus / "html-calls"


def real_call(folder: Path, name: str) -> dict:
    with time_machine.travel("2025-07-10T09:00:00+00:00", tick=False):
        [item] = parse_file(folder / name, kind="call").items
    return item


def test_real_call_page_title(fundsforngos):
    item = real_call(fundsforngos, "fundsforngos_call_eu_eritrea_cso.html")
    assert (
        item["title"]
        == "EU-Eritrea: Strengthening the Capacities of Civil Society Organisations & Local Authorities"
    )


def test_real_call_page_organiser(fundsforngos):
    assert real_call(fundsforngos, "fundsforngos_call_eu_eritrea_cso.html")["organiser"] == "fundsforNGOs"


def test_real_call_page_url(fundsforngos):
    item = real_call(fundsforngos, "fundsforngos_call_eu_eritrea_cso.html")
    assert item["url"] == (
        "https://www.fundsforngos.org/latest-funds-for-ngos/"
        "eu-eritrea-strengthening-the-capacities-of-civil-society-organisations-local-authorities/"
    )


def test_real_call_page_deadline(fundsforngos):
    item = real_call(fundsforngos, "fundsforngos_call_eu_eritrea_cso.html")
    assert item["deadline_at"] == "2016-05-30T23:59:59+02:00"


def test_real_call_page_language(fundsforngos):
    assert real_call(fundsforngos, "fundsforngos_call_gender_digital_safety_eur6m.html")["language"] == "en"


def test_real_call_page_deadline_sentence_reaches_the_summary(fundsforngos):
    item = real_call(fundsforngos, "fundsforngos_call_gender_digital_safety_eur6m.html")
    assert item["summary"].startswith("Deadline: 31-Aug-2025 The French Development Agency (AFD)")


@pytest.fixture
def listing(fundsforngos: Path) -> list[dict]:
    with time_machine.travel("2025-07-10T09:00:00+00:00", tick=False):
        return parse_file(fundsforngos / "fundsforngos_listing_latest_calls.html").items


def test_real_listing_page_gives_one_item_per_entry(listing):
    assert len(listing) == 75


def test_real_listing_entry_title(listing):
    assert (
        listing[0]["title"]
        == "Call for Letters of Inquiry for Small Grants – Mediterranean Basin Biodiversity Hotspot"
    )


def test_real_listing_entry_url_is_its_own_page(listing):
    assert listing[0]["url"] == (
        "https://www2.fundsforngos.org/latest-funds-for-ngos/call-for-letters-of-inquiry-for-small-grants/"
    )


def test_real_listing_entry_deadline_from_its_text(listing):
    assert listing[0]["deadline_at"] == "2025-08-01T23:59:59+02:00"


def test_real_listing_entry_is_an_open_call(listing):
    assert (listing[0]["kind"], listing[0]["status"]) == ("call", "open")


def test_real_listing_entries_are_distinct(listing):
    assert len({item["id"] for item in listing}) == 75
