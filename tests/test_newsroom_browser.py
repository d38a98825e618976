"""The comms team's newsroom driven in headless Chromium (Debian's chromium + chromedriver, selenium): log in,
open the digest in Dutch, remove an item, pin another, write an intro, preview (screenshots in test-output/),
send a test to aiosmtpd on 127.0.0.1, send to the list; the history shows the issue and the next draft offers
what did not fit but none of what was sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from browser_support import free_port, served
from newsroom_data import EMAIL, LIST, NOW, PASSWORD, TITLES, USER, setup_home
from test_newsletter_send import Inbox

from newsletters.mail import SmtpSettings

pytestmark = pytest.mark.browser
OUT = Path(__file__).resolve().parents[1] / "test-output"


@pytest.fixture
def newsroom(home: Path, tmp_path: Path) -> Iterator[tuple[str, Inbox, Path]]:
    """`vigie serve` with the newsroom on a free port of 127.0.0.1 (in a thread) and an SMTP server."""
    from service.app import create_app
    from service.newsroom import NewsroomOptions

    themes = setup_home(home, tmp_path)
    inbox = Inbox()
    smtp_port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    settings = SmtpSettings("127.0.0.1", smtp_port, "vigie@smart.example", "none", None, None)
    app = create_app(
        home, newsroom_options=NewsroomOptions(themes_file=themes, now=lambda: NOW, smtp=settings)
    )
    try:
        with served(app) as url:
            yield url, inbox, home
    finally:
        smtp.stop()


def _offered(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [card.get_attribute("data-id") for card in driver.find_elements(By.CSS_SELECTOR, "article.card")]


def _press(driver, element) -> None:
    """Click a button or link and wait for the page it leads to (every action here loads a page)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def loaded_anew(d) -> bool:
        # A new document has a new time origin; asked through WebDriver, which no page CSP restricts.
        origin, state = d.execute_script("return [performance.timeOrigin, document.readyState]")
        return origin != before and state == "complete"

    before = driver.execute_script("return performance.timeOrigin")
    element.click()
    WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(loaded_anew)


def _click(driver, action: str, item_id: str) -> None:
    from selenium.webdriver.common.by import By

    _press(driver, driver.find_element(By.CSS_SELECTOR, f'button.{action}[data-item="{item_id}"]'))


def _shot(driver, name: str, width: int) -> Path:
    driver.set_window_size(width, 1400)
    OUT.mkdir(exist_ok=True)
    path = OUT / name
    assert driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def test_prepare_preview_test_send_and_next_draft(newsroom, browser):
    from selenium.webdriver.common.by import By

    base, inbox, home = newsroom
    driver = browser
    driver.set_window_size(1280, 1400)

    # Log in: the newsroom sends a browser without a session to the login page, and back after it.
    driver.get(f"{base}/newsroom/digest/nl?hl=nl")
    assert driver.current_url == f"{base}/newsroom/login?next=/newsroom/digest/nl&hl=nl"
    assert driver.find_element(By.ID, "login").text == "Aanmelden"
    driver.find_element(By.ID, "username").send_keys(USER)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    _press(driver, driver.find_element(By.ID, "login"))
    assert driver.current_url == f"{base}/newsroom/digest/nl"
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Vigie — het overzicht")
    assert _offered(driver) == [
        "test-source:1",
        "test-source:2",
        "test-source:4",
        "test-source:5",
        "test-source:7",
    ]
    first = driver.find_element(By.CSS_SELECTOR, 'article[data-id="test-source:1"]')
    assert "nog 4 dag(en)" in first.text
    assert TITLES["test-source:1"] in first.text

    # Remove one, pin another, write the intro.
    _click(driver, "remove", "test-source:2")
    assert driver.find_element(By.ID, "done").text == "Bericht verwijderd."
    _click(driver, "pin", "test-source:5")
    intro = driver.find_element(By.ID, "intro")
    intro.clear()
    intro.send_keys("Deze week drie oproepen voor podiumkunstenaars.")
    _press(driver, driver.find_element(By.ID, "save-words"))
    assert _offered(driver) == [
        "test-source:1",
        "test-source:3",
        "test-source:5",
        "test-source:4",
        "test-source:7",
    ]
    _shot(driver, "newsroom-issue-digest-nl.png", 1280)
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

    # Preview: the e-mail itself in two frames (desktop and 400 px) and its text part.
    _press(driver, driver.find_element(By.ID, "preview"))
    assert (
        "Deze week drie oproepen voor podiumkunstenaars." in driver.find_element(By.ID, "preview-text").text
    )
    mobile = driver.find_element(By.ID, "frame-mobile")
    _shot(driver, "newsroom-preview-digest-nl.png", 1280)
    driver.switch_to.frame(mobile)
    assert driver.execute_script("return window.innerWidth") == 400  # the e-mail laid out at 400 px
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "Deze week drie oproepen voor podiumkunstenaars." in body
    assert TITLES["test-source:3"] in body and TITLES["test-source:2"] not in body
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    driver.switch_to.default_content()
    driver.get(f"{base}/newsroom/digest/nl/email.html")  # the e-mail alone in a 400 px window
    _shot(driver, "newsroom-email-digest-nl-400.png", 400)
    driver.set_window_size(1280, 1400)

    # A test to the logged-in person, then the issue to the theme's list.
    driver.get(f"{base}/newsroom/digest/nl")
    _press(driver, driver.find_element(By.ID, "send-test"))
    assert driver.find_element(By.ID, "done").text == "Test naar uw adres verzonden."
    assert [rcpt for rcpt, _ in inbox.messages] == [[EMAIL]]
    assert str(inbox.messages[0][1]["Subject"]).startswith("[Test] ")
    _press(driver, driver.find_element(By.ID, "send"))
    assert "/newsroom/history/digest/digest-nl-" in driver.current_url
    assert [rcpt for rcpt, _ in inbox.messages] == [[EMAIL], [LIST]]
    sent = inbox.messages[1][1]
    assert "Deze week drie oproepen" in sent.get_body(preferencelist=("plain",)).get_content()

    # The history shows it; the next draft offers what did not fit (6), none of what was sent.
    driver.get(f"{base}/newsroom/history")
    rows = driver.find_elements(By.CSS_SELECTOR, "#history tbody tr")
    assert len(rows) == 1 and "NL" in rows[0].text and "5" in rows[0].text
    _shot(driver, "newsroom-history.png", 1280)
    driver.get(f"{base}/newsroom/digest/nl")
    assert _offered(driver) == ["test-source:6"]
    assert driver.find_element(By.ID, "intro").get_attribute("value") == "Inleiding van het thema."
