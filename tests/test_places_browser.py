"""The /places page in headless Chromium, offline: the map draws one marker per place with coordinates and the
list shows every place, with no tile server at all (VIGIE_TILE_URL empty). Screenshot in test-output/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import served
from places_home import AS_OF, build

pytestmark = pytest.mark.browser
OUT = Path(__file__).resolve().parents[1] / "test-output"


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from service.app import create_app

    monkeypatch.setenv("VIGIE_TILE_URL", "")  # nothing leaves 127.0.0.1
    home = build(tmp_path)
    with served(create_app(home, as_of=AS_OF)) as url:
        yield url


def test_map_markers_and_list_offline(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.set_window_size(1280, 1000)
    driver.get(f"{server}/places?hl=en")
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-marker-icon"))
    markers = driver.find_elements(By.CSS_SELECTOR, ".leaflet-marker-icon")
    listed = driver.find_elements(By.CSS_SELECTOR, "li.place")
    OUT.mkdir(exist_ok=True)
    driver.save_screenshot(str(OUT / "places_map_offline.png"))
    # FabLab Cottbus is the one place of the two agendas with coordinates (iCalendar GEO).
    assert (len(markers), driver.find_element(By.ID, "count").text) == (1, f"{len(listed)} places")


def test_marker_popup_links_to_the_place(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(f"{server}/places?hl=en")
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-marker-icon"))
    driver.find_element(By.CSS_SELECTOR, ".leaflet-marker-icon").click()
    # The popup fades in: Selenium reads no text while it is still transparent, so wait for it to show.
    link = WebDriverWait(driver, 10).until(
        lambda d: next(
            (a for a in d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content a") if a.text), None
        )
    )
    assert link.text == "FabLab Cottbus"
