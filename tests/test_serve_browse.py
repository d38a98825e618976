"""The browse page (`/`) over HTTP: cards of what is still useful, in the reader's language, page by page, with
the feed links of the current view."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from factories import make_item
from test_feeds_snapshot import publish_items

from service.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

BRU = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BRU)


def _item(n: int, kind: str, title: str, lang: str = "fr", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "texts": {lang: {"title": title, "summary": "Détails."}},
        "language": lang,
        "url": f"https://example.org/{n}",
    }
    if kind in ("event", "news"):
        base.update(deadline_at=None, deadline_precision=None)
    return make_item(n, kind=kind, title=title, **{**base, **fields})


def browse_items() -> list[dict[str, Any]]:
    return [
        _item(1, "call", "Résidence d'artistes à Bruxelles", deadline_at="2026-11-25T12:00:00+01:00",
              sectors=["visual-arts"], regions=["BE-BRU"], fit="good"),
        _item(2, "tender", "Opdracht voor videoregistratie", lang="nl", deadline_at="2026-12-10T12:00:00+01:00",
              sectors=["audiovisual"], regions=["BE-VLG"], fit="unlikely", cluster_id="test-source:3"),
        # The French version of the same notice, from another source.
        _item(3, "tender", "Marché de captation vidéo", deadline_at="2026-12-10T12:00:00+01:00",
              sectors=["audiovisual"], regions=["BE-VLG"], url="https://example.org/fr/3"),
        _item(4, "event", "Journée portes ouvertes", starts_at="2026-11-20T00:00:00+01:00",
              sectors=["events"], regions=["BE-WAL"]),
        _item(5, "call", "Appel clôturé", deadline_at="2026-11-10T12:00:00+01:00"),
        _item(6, "news", "Nouvelles du secteur"),
        _item(7, "event", "Repair Café 2018", starts_at="2018-05-05T14:00:00+02:00"),
        _item(8, "call", "<script>alert(1)</script> Appel", deadline_at="2026-12-24T12:00:00+01:00",
              texts={"fr": {"title": "<script>alert(1)</script> Appel", "summary": "<b>gras</b>"}}),
        _item(9, "call", "Bilingual call", lang="en", deadline_at="2026-11-21T18:00:00+01:00",
              texts={"en": {"title": "Bilingual call", "summary": "x"},
                     "nl": {"title": "Tweetalige oproep", "summary": "x"}}),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    home = tmp_path_factory.mktemp("vigie-home")
    with time_machine.travel(NOW, tick=False):
        publish_items(home, [browse_items()])
        with TestClient(create_app(home)) as c:
            c.home = home
            yield c


def cards(html: str) -> dict[str, str]:
    """Each card's HTML by item id."""
    return dict(re.findall(r'<li class="card" id="card-\d+" data-id="([^"]+)">(.*?)</li>\s*(?=<li class="card"|</ol>)',
                           html, re.S))  # fmt: skip


def test_default_view_is_what_is_still_useful(client: TestClient) -> None:
    r = client.get("/?hl=fr")
    assert r.status_code == 200
    assert set(cards(r.text)) == {f"test-source:{n}" for n in (1, 2, 3, 4, 8, 9)}
    assert "6 opportunités" in r.text


def test_closed_and_past_items_when_asked(client: TestClient) -> None:
    r = client.get("/?hl=fr&status=closed")
    assert set(cards(r.text)) == {"test-source:5", "test-source:7"}
    assert 'name="status" value="closed" checked' in r.text


def test_news_when_asked(client: TestClient) -> None:
    assert set(cards(client.get("/?kind=news").text)) == {"test-source:6"}


def test_a_card_says_kind_days_left_deadline_sectors_region_and_fit(client: TestClient) -> None:
    card = cards(client.get("/?hl=fr").text)["test-source:1"]
    assert '<span class="kind">Appel à projets</span>' in card
    assert '<li class="left">5 jours restants</li>' in card
    assert "Date limite : 25 novembre 2026 à 12:00" in card
    assert '<li class="tag">Arts plastiques</li>' in card
    assert '<li class="tag">Bruxelles</li>' in card
    assert '<li class="tag fit-good">Adapté aux indépendants</li>' in card


def test_last_day_tomorrow(client: TestClient) -> None:
    card = cards(client.get("/?hl=en").text)["test-source:9"]
    assert '<li class="left">Last day tomorrow</li>' in card


def test_title_in_the_readers_language_when_the_source_gave_it(client: TestClient) -> None:
    card = cards(client.get("/?hl=nl").text)["test-source:9"]
    assert '<h3 id="title-' in card and 'lang="nl"><a href="https://example.org/9"' in card
    assert "Tweetalige oproep" in card
    assert "Oorspronkelijke tekst" not in card


def test_else_the_original_marked_with_its_language(client: TestClient) -> None:
    card = cards(client.get("/?hl=fr").text)["test-source:2"]
    assert 'lang="nl">' in card
    assert "Opdracht voor videoregistratie" in card
    assert "Texte original en néerlandais" in card


def test_links_to_the_other_language_versions(client: TestClient) -> None:
    card = cards(client.get("/?hl=en").text)["test-source:2"]
    assert '<a href="https://example.org/fr/3" hreflang="fr" rel="noopener nofollow">French</a>' in card
    other = cards(client.get("/?hl=en").text)["test-source:9"]
    assert 'hreflang="nl">Dutch</a>' in other  # the same item's Dutch text, shown by the Dutch page


def test_date_only_event_has_no_midnight(client: TestClient) -> None:
    card = cards(client.get("/?hl=fr").text)["test-source:4"]
    assert "Quand : 20 novembre 2026</li>" in card
    assert "00:00" not in card
    assert '<li class="left">Aujourd’hui</li>' in card


def test_source_text_is_escaped(client: TestClient) -> None:
    html = client.get("/?hl=fr").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Appel" in html
    assert "<b>gras</b>" not in html


def test_subscribe_block_gives_the_feeds_of_the_current_view(client: TestClient) -> None:
    html = client.get("/?hl=nl&status=closed&kind=call").text
    assert (
        'id="url-json" type="text" readonly value="http://testserver/feeds/json?kind=call&amp;status=closed&amp;hl=nl"'
        in html
    )
    assert 'href="webcal://testserver/feeds/ics?kind=call&amp;status=closed&amp;hl=nl"' in html


def test_landmarks_and_labels(client: TestClient) -> None:
    html = client.get("/?hl=en").text
    assert "<main>" in html and "<header>" in html
    assert 'role="search" aria-label="Filters"' in html
    assert '<label for="q">' in html and '<label for="closing-within">' in html
    assert 'aria-current="page">EN</a>' in html


def test_pagination(home: Path) -> None:
    many = [
        _item(100 + n, "call", f"Appel numéro {n:02d}", deadline_at=(NOW + timedelta(days=n + 1)).isoformat())
        for n in range(45)
    ]
    with time_machine.travel(NOW, tick=False):
        publish_items(home, [many])
        with TestClient(create_app(home)) as c:
            first = c.get("/?hl=en")
            second = c.get("/?hl=en&page=2")
            last = c.get("/?hl=en&page=3")
    assert len(cards(first.text)) == 20
    assert list(cards(second.text))[0] == "test-source:120"  # soonest deadline first, 20 per page
    assert len(cards(last.text)) == 5
    assert '<span id="page-of">Page 2 of 3</span>' in second.text
    assert 'id="prev" href="?hl=en&amp;page=1"' in second.text
    assert 'id="next" href="?hl=en&amp;page=3"' in second.text
    assert 'id="next"' not in last.text


def test_as_of_day_of_the_service(home: Path) -> None:
    with time_machine.travel(NOW, tick=False):
        publish_items(home, [browse_items()])
        with TestClient(create_app(home, as_of=datetime(2026, 11, 5, tzinfo=BRU))) as c:
            page = c.get("/?hl=en")
            feed = c.get("/feeds/json?kind=call")
    assert '<p id="as-of" class="hint">As on 5 November 2026.</p>' in page.text
    assert "test-source:5" in cards(page.text)  # its deadline (10 November) is still ahead on 5 November
    assert '<li class="left">20 days left</li>' in cards(page.text)["test-source:1"]
    assert "test-source:5" in {i["id"] for i in feed.json()["items"]}
