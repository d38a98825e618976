"""The browse page driven in headless Chromium: pick filters, get a feed URL, fetch it, see matching cards; read
at 1280 px and 400 px without sideways scrolling, and by keyboard (screenshots in test-output/)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import httpx
import pytest
from browser_support import served
from factories import make_item
from test_feeds_snapshot import publish_items

BRU = ZoneInfo("Europe/Brussels")

pytestmark = pytest.mark.browser


def _items(now: datetime) -> list[dict]:
    def item(n: int, kind: str, title: str, sectors: list[str], regions: list[str], days: int) -> dict:
        # at noon, as a real call closes: the screenshots show "à 12:00", not the minute the test ran
        when = (now + timedelta(days=days)).replace(hour=12, minute=0, second=0, microsecond=0).isoformat()
        dates = (
            {"starts_at": when, "deadline_at": None, "deadline_precision": None}
            if kind == "event"
            else {"deadline_at": when}
        )
        return make_item(
            n,
            kind=kind,
            title=title,
            texts={"fr": {"title": title, "summary": "Détails."}},
            summary="Détails.",
            sectors=sectors,
            regions=regions,
            url=f"https://example.org/{n}",
            **dates,
        )

    return [
        item(1, "call", "Résidence pour plasticiens à Bruxelles", ["visual-arts"], ["BE-BRU"], 5),
        item(2, "call", "Résidence pour plasticiens à Namur", ["visual-arts"], ["BE-WAL"], 5),
        item(3, "call", "Bourse pour plasticiens émergents", ["visual-arts"], ["BE-BRU"], 90),
        item(4, "event", "Concert réseau à Bruxelles", ["music"], ["BE-BRU"], 10),
        item(5, "tender", "Captation vidéo à Bruxelles", ["audiovisual"], ["BE-BRU"], 6),
    ]


@pytest.fixture
def server(home: Path) -> Iterator[str]:
    """`vigie serve` on a free port of 127.0.0.1, in a thread, over a freshly published warehouse."""
    from service.app import create_app

    publish_items(home, [_items(datetime.now(BRU))], now=datetime.now(BRU))
    with served(create_app(home)) as url:
        yield url


def _check(driver: object, name: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]')
    if not box.is_selected():
        box.click()


def test_member_builds_a_feed_url_and_reads_it(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(f"{server}/?hl=en")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Vigie opportunities for Smart members"
    _check(driver, "kind", "call")
    _check(driver, "sector", "visual-arts")
    _check(driver, "region", "BE-BRU")
    closing = driver.find_element(By.ID, "closing-within")
    closing.send_keys("30")

    # The script keeps the URLs in step with the form, before any submit.
    atom_url = driver.find_element(By.ID, "url-atom").get_attribute("value")
    assert urlsplit(atom_url).path == "/feeds/atom"
    assert parse_qs(urlsplit(atom_url).query) == {
        "closing-within": ["30"],
        "kind": ["call"],
        "region": ["BE-BRU"],
        "sector": ["visual-arts"],
        "hl": ["en"],
    }
    webcal = driver.find_element(By.ID, "link-webcal").get_attribute("href")
    assert webcal.startswith("webcal://127.0.0.1:") and "/feeds/ics?" in webcal

    feed = feedparser.parse(httpx.get(atom_url).content)
    assert feed.bozo is False
    assert [e.link for e in feed.entries] == ["https://example.org/1"]
    assert feed.entries[0].title.startswith("Résidence pour plasticiens à Bruxelles — Deadline: ")

    # Submitting (the path without JavaScript) gives the same links and the cards of what matches.
    driver.find_element(By.ID, "build").click()
    WebDriverWait(driver, 10).until(lambda d: "kind=call" in d.current_url)
    results = driver.find_element(By.ID, "results")
    assert results.find_element(By.TAG_NAME, "h2").text == "1 opportunity"
    assert "Résidence pour plasticiens à Bruxelles" in results.text
    assert driver.find_element(By.ID, "url-atom").get_attribute("value") == atom_url

    # The browser fetches the JSON feed itself.
    json_url = driver.find_element(By.ID, "url-json").get_attribute("value")
    driver.get(json_url)
    body = json.loads(driver.find_element(By.TAG_NAME, "body").text)
    assert [i["id"] for i in body["items"]] == ["test-source:1"]


def test_free_text_and_language_switch(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(f"{server}/")
    driver.find_element(By.CSS_SELECTOR, 'nav a[hreflang="nl"]').click()
    WebDriverWait(driver, 10).until(lambda d: "hl=nl" in d.current_url)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Vigie-kansen voor de leden van Smart"
    driver.find_element(By.ID, "q").send_keys("PLASTICIENS  emergents")
    json_url = driver.find_element(By.ID, "url-json").get_attribute("value")
    assert parse_qs(urlsplit(json_url).query)["q"] == ["PLASTICIENS emergents"]
    items = httpx.get(json_url).json()["items"]
    assert [i["id"] for i in items] == ["test-source:3"]  # accent-insensitive: émergents


OUTPUT = Path(__file__).resolve().parents[1] / "test-output"


def _no_sideways_scroll(driver: object) -> tuple[int, int]:
    return driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("width", [1280, 400])
def test_browse_page_reads_without_sideways_scroll(server: str, browser: object, width: int) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.set_window_size(width, 900)
    driver.get(f"{server}/?hl=fr")
    scroll, inner = _no_sideways_scroll(driver)
    assert scroll <= inner, f"{scroll} px of content in a {inner} px window"
    cards = driver.find_elements(By.CSS_SELECTOR, "li.card")
    assert len(cards) == 5
    for card in cards:  # every card fits the window
        assert card.rect["x"] >= 0 and card.rect["x"] + card.rect["width"] <= inner
    first = cards[0]
    # A member sees an opportunity on the first screen, not only the filter form (on a phone too).
    assert first.rect["y"] < 900
    assert first.find_element(By.CSS_SELECTOR, ".kind").text.lower() == "appel à projets"
    assert first.find_element(By.CSS_SELECTOR, ".left").text == "5 jours restants"
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / f"browse-{width}px.png"
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    # The whole page too, for a person to look at.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height + 200, 6000))
    driver.save_screenshot(str(OUTPUT / f"browse-{width}px-full.png"))


def test_browse_page_by_keyboard(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.set_window_size(400, 900)
    driver.get(f"{server}/?hl=en")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    skip = driver.switch_to.active_element
    assert skip.text == "Skip to results"
    # Tick "Event" with the keyboard only, then submit with Enter from the search box.
    box = driver.find_element(By.CSS_SELECTOR, 'input[name="kind"][value="event"]')
    while driver.switch_to.active_element != box:
        driver.switch_to.active_element.send_keys(Keys.TAB)
    box.send_keys(Keys.SPACE)
    assert box.is_selected()
    q = driver.find_element(By.ID, "q")
    q.send_keys("concert" + Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: "kind=event" in d.current_url)
    titles = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "li.card h3")]
    assert titles == ["Concert réseau à Bruxelles"]
    # Every form control has an accessible name: a label, or aria-label.
    unnamed = driver.execute_script(
        "return [...document.querySelectorAll('input:not([type=hidden]), button')]"
        ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())"
        ".map(e => e.name || e.id)"
    )
    assert unnamed == []
    driver.save_screenshot(str(OUTPUT / "browse-400px-events.png"))
