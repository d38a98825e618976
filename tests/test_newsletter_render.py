"""Rendering an issue in fr/nl/en: localized dates, section order, days left, language marks, escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
import time_machine
from factories import make_item

from newsletters.issue import plan_issue
from newsletters.render import render_issue
from newsletters.themes import load_themes

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # 09:00 in Brussels


@pytest.fixture(scope="module")
def book():
    return load_themes()


def _items():
    closing_late = make_item(
        1,
        deadline_at="2027-03-15T12:00:00+01:00",
        texts={
            "fr": {"title": "Bourse musique", "summary": "Pour les musiciens."},
            "nl": {"title": "Beurs muziek", "summary": "Voor muzikanten."},
            "en": {"title": "Music grant", "summary": "For musicians."},
        },
        title="Bourse musique",
        sectors=["music", "audiovisual"],
    )
    closing_first = make_item(
        2,
        deadline_at="2027-03-04T23:59:59+01:00",
        deadline_precision="date",
        kind="tender",
        organiser="Ville de Liège",
        texts={"fr": {"title": "Marché vidéo", "summary": "Captation."}},
        title="Marché vidéo",
        sectors=["audiovisual"],
    )
    dutch_only = make_item(
        3,
        deadline_at="2027-06-30T17:00:00+02:00",
        language="nl",
        title="Oproep residentie",
        summary="Residentie in Gent.",
        organiser="Kunstenpunt",
        texts={"nl": {"title": "Oproep residentie", "summary": "Residentie in Gent."}},
        sectors=["visual-arts"],
        regions=["BE-VLG"],
    )
    event = make_item(
        4,
        kind="event",
        deadline_at=None,
        deadline_precision=None,
        starts_at="2027-03-10T18:30:00+01:00",
        ends_at="2027-03-10T21:00:00+01:00",
        location="Les Halles, Bruxelles",
        title="Rencontre réseau",
        texts={
            "fr": {"title": "Rencontre réseau", "summary": "Apéro des indépendants."},
            "nl": {"title": "Netwerkmoment", "summary": "Borrel voor zelfstandigen."},
            "en": {"title": "Networking evening", "summary": "Freelancers' drinks."},
        },
    )
    return [dutch_only, event, closing_late, closing_first]


def _render(book, lang, items=None, theme="digest", history=()):
    issue = plan_issue(book.get(theme), lang, items if items is not None else _items(), list(history), NOW)
    with time_machine.travel(NOW, tick=False):
        return issue, render_issue(issue, book.settings)


def _visible(html: str) -> str:
    """The text a reader sees (tags dropped, entities decoded), for wording assertions."""

    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.out = []

        def handle_data(self, data):
            self.out.append(data)

    p = P()
    p.feed(html)
    return " ".join(" ".join(p.out).split())


@pytest.mark.parametrize(
    ("lang", "issue_date", "deadline", "days"),
    [
        ("fr", "1er mars 2027", "15 mars 2027, 12:00", "encore 14 jours"),
        ("nl", "1 maart 2027", "15 maart 2027, 12:00", "nog 14 dagen"),
        ("en", "1 March 2027", "15 March 2027, 12:00", "14 days left"),
    ],
)
def test_dates_and_days_left_are_localized(book, lang, issue_date, deadline, days):
    _, r = _render(book, lang)
    text = _visible(r.html)
    assert issue_date in r.subject
    assert deadline in text
    assert days in text
    assert deadline in r.text
    assert days in r.text


@pytest.mark.parametrize(
    ("lang", "titles"),
    [
        ("fr", ["Bientôt clôturés", "Nouvelles opportunités", "Événements à venir"]),
        ("nl", ["Sluit binnenkort", "Nieuwe kansen", "Komende evenementen"]),
        ("en", ["Closing soon", "New opportunities", "Upcoming events"]),
    ],
)
def test_sections_in_order_with_wording_of_the_language(book, lang, titles):
    _, r = _render(book, lang)
    text = _visible(r.html)
    positions = [text.index(t) for t in titles]
    assert positions == sorted(positions)
    text_positions = [r.text.index(f"== {t} ==") for t in titles]
    assert text_positions == sorted(text_positions)


def test_closing_soon_sorted_by_deadline_with_date_only_deadline(book):
    issue, r = _render(book, "en")
    assert [e.item["id"] for e in issue.closing_soon] == ["test-source:2", "test-source:1"]
    text = _visible(r.html)
    # A date-only deadline shows no time; 4 March is 3 days after 1 March.
    assert "Deadline: 4 March 2027 — 3 days left" in text
    assert text.index("Marché vidéo") < text.index("Music grant")


def test_item_in_another_language_is_marked(book):
    _, r = _render(book, "fr")
    assert re.search(r'<p[^>]*lang="nl"[^>]*>.*Oproep residentie.*\(NL\)', r.html)
    assert "* Oproep residentie (NL)" in r.text
    # the item that has a French text is shown in French, unmarked
    assert "Bourse musique" in r.html and "Bourse musique (" not in _visible(r.html)


def test_item_text_in_newsletter_language_when_source_gives_it(book):
    _, r = _render(book, "nl")
    text = _visible(r.html)
    assert "Beurs muziek" in text
    assert "Netwerkmoment" in text
    assert "Marché vidéo (FR)" in text


def test_event_shows_date_time_and_place(book):
    _, r = _render(book, "en")
    text = _visible(r.html)
    assert "10 March 2027, 18:30–21:00" in text
    assert "Place: Les Halles, Bruxelles" in text


def test_entry_shows_organiser_sector_labels_and_source_link(book):
    _, r = _render(book, "nl")
    assert "Overheidsopdracht · Ville de Liège" in _visible(r.html)
    assert "Sectoren: Muziek, Audiovisueel" in _visible(r.html)
    assert 'href="https://example.org/calls/1"' in r.html
    assert "Lees meer op example.org" in _visible(r.html)


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("fr", "Rien de neuf cette fois-ci"), ("nl", "Deze keer niets nieuws"), ("en", "Nothing new this time")],
)
def test_empty_theme_says_nothing_new(book, lang, heading):
    issue, r = _render(book, lang, items=[])
    assert issue.empty
    assert heading in _visible(r.html)
    assert heading in r.text
    assert r.preheader == heading
    assert "section-closing_soon" not in r.html


@pytest.mark.parametrize(
    ("lang", "first", "later"),
    [
        ("fr", "pour l'instant", "depuis le dernier numéro"),
        ("nl", "Er past nog geen kans", "Sinds het vorige nummer"),
        ("en", "matches this theme yet", "since the last issue"),
    ],
)
def test_an_empty_first_issue_does_not_speak_of_a_last_issue(book, lang, first, later):
    issue, r = _render(book, lang, items=[])
    assert issue.since is None
    assert first in _visible(r.html) and first in r.text
    assert later not in _visible(r.html) and later not in r.text


def test_source_markup_never_reaches_the_html(book):
    evil = make_item(
        9,
        title="<script>alert(1)</script>",
        organiser='<img src=x onerror="alert(2)">',
        url="javascript:alert(3)",
        location=None,
        texts={
            "fr": {
                "title": "<script>alert(1)</script><img src=x onerror=alert(4)>",
                "summary": "<b onmouseover=alert(5)>gras</b>",
            }
        },
    )
    _, r = _render(book, "fr", items=[evil])

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.attrs = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.attrs += [(tag, k, v) for k, v in attrs]

    c = Collect()
    c.feed(r.html)
    assert "script" not in c.tags
    assert "img" not in c.tags
    assert "b" not in c.tags
    assert not [a for a in c.attrs if a[1].startswith("on")]
    assert not [a for a in c.attrs if a[1] == "href" and "javascript" in (a[2] or "")]
    # the text is still there for the reader, as text
    assert "<script>alert(1)</script>" in _visible(r.html)


def test_css_is_inlined_and_email_is_self_contained(book):
    _, r = _render(book, "en")
    assert 'width="600"' in r.html
    assert re.search(r'<td[^>]*class="header"[^>]*style="[^"]*background-color: ?#1d3557', r.html)
    assert "@media only screen and (max-width: 620px)" in r.html
    assert "!important" in r.html
    assert "<link" not in r.html and "<script" not in r.html
    assert "http://" not in r.html.replace("http://www.w3.org", "")
    assert "fonts.googleapis" not in r.html
    assert r.preheader in r.html
    assert "{{unsubscribe}}" in r.html


def test_preheader_counts_sections(book):
    _, r = _render(book, "fr")
    assert r.preheader == "2 dates limites proches · 1 nouvelle opportunité · 1 événement à venir"


def test_preview_page_has_the_bar_and_the_email_does_not(book):
    _, r = _render(book, "nl")
    assert 'id="vigie-preview"' not in r.html
    assert 'id="vigie-preview"' in r.preview_html
    assert "Onderwerp: Vigie — het overzicht van de week — 1 maart 2027" in _visible(r.preview_html)
    assert (
        r.preview_html.replace(
            r.preview_html[
                r.preview_html.index('<div id="vigie-preview"') : r.preview_html.index("</div>") + 6
            ],
            "",
        )
        == r.html
    )


@pytest.mark.parametrize(
    ("lang", "old_deadline", "expected"),
    [
        ("nl", "2027-03-10T12:00:00+01:00", "Deadline uitgesteld van 10 maart 2027 naar 24 maart 2027"),
        ("en", "2027-03-30T12:00:00+02:00", "Deadline brought forward from 30 March 2027 to 24 March 2027"),
        (
            "fr",
            "2027-03-24T10:00:00+01:00",
            "Date limite reportée du 24 mars 2027 10:00 au 24 mars 2027 12:00",
        ),
    ],
)
def test_changed_deadline_is_announced(book, lang, old_deadline, expected):
    from newsletters.issue import sent_record

    before = make_item(1, deadline_at=old_deadline)
    after = make_item(1, deadline_at="2027-03-24T12:00:00+01:00")
    history = [{"lang": lang, "sent_at": "2027-02-20T10:00:00+00:00", "items": [sent_record(before)]}]
    _, r = _render(book, lang, items=[after], history=history)
    assert expected in _visible(r.html)
    assert f"[{expected}]" in r.text
