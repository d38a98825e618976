"""`make_issue` on a real warehouse: files written, sent to aiosmtpd on 127.0.0.1, recorded, and the next
issue does not repeat what was sent unless its deadline changed (then announced as such)."""

from __future__ import annotations

import random
import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from factories import make_item

from newsletters.issue import fetch_candidates, plan_issue, sent_record
from newsletters.mail import SmtpSettings
from newsletters.make import make_issue, make_issues
from newsletters.themes import load_themes
from vigie.core.errors import NewsletterError
from warehouse.snapshot import connect
from warehouse.store import Warehouse

T0 = datetime(2027, 2, 20, 6, 0, tzinfo=UTC)
T1 = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.original_content, policy=policy.default))
        )
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctl = Controller(inbox, hostname="127.0.0.1", port=port)
    ctl.start()
    yield (
        inbox,
        SmtpSettings(
            host="127.0.0.1", port=port, sender="vigie@smart.example", tls="none", user=None, password=None
        ),
    )
    ctl.stop()


@pytest.fixture
def unsubscribe(monkeypatch):
    monkeypatch.setenv("VIGIE_UNSUBSCRIBE_URL", "https://smart.example/newsletters/preferences")


def _load(home: Path, items, now, run):
    wh = Warehouse(home)
    wh.load(items, run, now=now)
    wh.publish(exports=False)
    return wh


def _text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def test_send_records_and_second_issue_announces_only_changes(home, tmp_path, smtp, unsubscribe):
    inbox, settings = smtp
    first = [
        make_item(
            1,
            deadline_at="2027-03-10T12:00:00+01:00",
            title="Bourse création",
            texts={"fr": {"title": "Bourse création", "summary": ""}},
        ),
        make_item(
            2,
            deadline_at="2027-05-10T12:00:00+02:00",
            title="Résidence été",
            texts={"fr": {"title": "Résidence été", "summary": ""}},
        ),
        make_item(
            3,
            kind="event",
            deadline_at=None,
            starts_at="2027-03-05T19:00:00+01:00",
            location="Bozar",
            title="Apéro réseau",
            texts={"fr": {"title": "Apéro réseau", "summary": ""}},
        ),
    ]
    wh = _load(home, first, T0, "run-1")
    out = tmp_path / "out"
    result = make_issue("digest", "fr", out, home, True, ["team@smart.example"], now=T1, smtp=settings)
    assert result.sent and result.recorded
    assert result.counts == {"closing_soon": 1, "new": 1, "events": 1}
    assert sorted(p.name for p in out.iterdir()) == [
        "digest-2027-03-01-fr.eml",
        "digest-2027-03-01-fr.html",
        "digest-2027-03-01-fr.preview.html",
        "digest-2027-03-01-fr.txt",
    ]
    rcpt, msg = inbox.messages[0]
    assert rcpt == ["team@smart.example"]
    assert str(msg["Subject"]) == "Vigie — l'essentiel de la semaine — 1er mars 2027"
    assert msg["List-Unsubscribe"] == "<https://smart.example/newsletters/preferences>"
    for title in ("Bourse création", "Résidence été", "Apéro réseau"):
        assert title in _text(msg)
    history = wh.newsletter_history("digest")
    assert [h["lang"] for h in history] == ["fr"]
    assert history[0]["recipients"] == 1
    assert sorted(i["id"] for i in history[0]["items"]) == ["test-source:1", "test-source:2", "test-source:3"]

    # A week later: item 1's deadline was postponed, item 4 is new, items 2 and 3 did not change.
    second = [
        make_item(
            1,
            deadline_at="2027-03-24T12:00:00+01:00",
            title="Bourse création",
            texts={"fr": {"title": "Bourse création", "summary": ""}},
        ),
        first[1],
        first[2],
        make_item(
            4,
            deadline_at="2027-06-01T12:00:00+02:00",
            title="Prix jeune création",
            texts={"fr": {"title": "Prix jeune création", "summary": ""}},
        ),
    ]
    _load(home, second, T1 + timedelta(days=3), "run-2")
    result2 = make_issue(
        "digest", "fr", out, home, True, ["team@smart.example"], now=T1 + timedelta(days=7), smtp=settings
    )
    assert result2.counts == {"closing_soon": 1, "new": 1, "events": 0}
    text = _text(inbox.messages[1][1])
    assert "Date limite reportée du 10 mars 2027 au 24 mars 2027" in text
    assert "Bourse création" in text
    assert "Prix jeune création" in text
    assert "Résidence été" not in text
    assert "Apéro réseau" not in text
    assert "Nouveau depuis le dernier numéro" in text
    assert "Publié ou mis à jour depuis le 1er mars 2027." in text

    # Nothing changed since: the third issue is empty and is not sent unless forced.
    with pytest.raises(NewsletterError, match=r"digest \(fr\): nothing new since the last issue.*--force"):
        make_issue(
            "digest",
            "fr",
            out,
            home,
            True,
            ["team@smart.example"],
            now=T1 + timedelta(days=14),
            smtp=settings,
        )
    assert len(inbox.messages) == 2
    assert "Rien de neuf cette fois-ci" in (out / "digest-2027-03-15-fr.txt").read_text(encoding="utf-8")
    forced = make_issue(
        "digest",
        "fr",
        out,
        home,
        True,
        ["team@smart.example"],
        now=T1 + timedelta(days=14),
        smtp=settings,
        force=True,
    )
    assert forced.sent and forced.empty
    assert len(inbox.messages) == 3


def test_other_language_has_its_own_history(home, tmp_path, smtp, unsubscribe):
    inbox, settings = smtp
    _load(home, [make_item(1)], T0, "run-1")
    make_issue("digest", "fr", tmp_path, home, True, ["fr@smart.example"], now=T1, smtp=settings)
    nl = make_issue("digest", "nl", tmp_path, home, True, ["nl@smart.example"], now=T1, smtp=settings)
    assert nl.counts["closing_soon"] == 1
    # the French title, marked as French, in the Dutch issue
    assert "Appel à projets arts de la scène 1 (FR)" in _text(inbox.messages[1][1])


def test_preview_only_does_not_record_and_mark_sent_does(home, tmp_path):
    wh = _load(home, [make_item(1)], T0, "run-1")
    preview = make_issue("digest", "en", tmp_path, home, False, [], now=T1)
    assert not preview.recorded
    assert wh.newsletter_history("digest") == []
    marked = make_issue("digest", "en", tmp_path, home, False, [], now=T1, mark_sent=True)
    assert marked.recorded and not marked.sent
    assert [i["id"] for i in wh.newsletter_history("digest")[0]["items"]] == ["test-source:1"]
    assert make_issue("digest", "en", tmp_path, home, False, [], now=T1 + timedelta(days=1)).empty


def test_send_refuses_placeholder_unsubscribe_and_missing_settings(home, tmp_path, monkeypatch):
    _load(home, [make_item(1)], T0, "run-1")
    monkeypatch.delenv("VIGIE_UNSUBSCRIBE_URL", raising=False)
    monkeypatch.setenv("VIGIE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("VIGIE_SMTP_FROM", "vigie@smart.example")
    with pytest.raises(NewsletterError, match=r"unsubscribe link is the placeholder '\{\{unsubscribe\}\}'"):
        make_issue("digest", "fr", tmp_path, home, True, ["a@smart.example"], now=T1)
    monkeypatch.delenv("VIGIE_SMTP_HOST")
    with pytest.raises(Exception, match="VIGIE_SMTP_HOST is not set"):
        make_issue("digest", "fr", tmp_path, home, True, ["a@smart.example"], now=T1)


def _random_items(n: int, seed: int = 7):
    rnd = random.Random(seed)
    sectors = ["music", "audiovisual", "communication", "digital", "visual-arts", "consulting"]
    regions = ["BE-BRU", "BE-WAL", "BE-VLG"]
    items = []
    for i in range(1, n + 1):
        kind = rnd.choice(["call", "tender", "event"])
        when = T1 + timedelta(days=rnd.randint(-10, 120), hours=rnd.randint(0, 23))
        extra = (
            {"deadline_at": None, "deadline_precision": None, "starts_at": when.isoformat()}
            if kind == "event"
            else {"deadline_at": when.isoformat() if rnd.random() > 0.1 else None}
        )
        items.append(
            make_item(
                i,
                kind=kind,
                sectors=rnd.sample(sectors, 2),
                regions=[rnd.choice(regions)],
                scope=rnd.choice(["european", "regional", "federal"]),
                status=rnd.choice(["open", "open", "open", "forthcoming", "closed"]),
                **extra,
            )
        )
    return items


@pytest.mark.parametrize(
    "theme_id", ["digest", "culture-calls", "tenders-media", "events-brussels", "eu-funding"]
)
def test_sql_candidates_give_the_same_issue_as_all_items(home, theme_id):
    """`fetch_candidates` narrows the warehouse with SQL; the issue must be the one the rules give on every
    item of the theme."""
    items = _random_items(400)
    _load(home, items[:250], T0, "run-1")
    _load(home, items, T0 + timedelta(days=5), "run-2")
    theme = load_themes().get(theme_id)
    sent = []
    for k, item in enumerate(items[:250:3]):
        if k % 4 == 0 and item["deadline_at"]:  # sent with another deadline: changed since
            earlier = datetime.fromisoformat(item["deadline_at"]) - timedelta(days=2)
            item = {**item, "deadline_at": earlier.isoformat()}
        sent.append(sent_record(item))
    history = [
        {"lang": "fr", "sent_at": T0 + timedelta(days=2), "created_at": T0 + timedelta(days=2), "items": sent}
    ]
    con = connect(home)
    try:
        everything = _all(con, theme)
        fast = plan_issue(theme, "fr", fetch_candidates(con, theme, "fr", history, T1), history, T1)
    finally:
        con.close()
    slow = plan_issue(theme, "fr", everything, history, T1)
    for (_, fast_entries), (_, slow_entries) in zip(fast.by_section(), slow.by_section(), strict=True):
        assert [e.item["id"] for e in fast_entries] == [e.item["id"] for e in slow_entries]
    assert not slow.empty
    if theme_id == "digest":
        assert any(e.change for e in slow.entries)


@pytest.mark.parametrize("closing_soon", [0, 5])
@pytest.mark.parametrize("last_issue", [None, T0 - timedelta(days=1), T0 + timedelta(days=1)])
def test_sql_candidates_at_the_section_boundaries(home, closing_soon, last_issue):
    """Deadlines exactly at now and at the end of the closing-soon window, to the microsecond, and items first
    seen before or after the last issue, land where the rules put them."""
    tick = timedelta(microseconds=1)
    book = load_themes().get("digest")
    sections = replace(book.sections, closing_soon=closing_soon, new=50, events=0, closing_days=14)
    theme = replace(book, sections=sections)
    end = T1 + timedelta(days=14)
    deadlines = [T1 - tick, T1, T1 + tick, end - tick, end, end + tick, None]
    items = [make_item(n, deadline_at=d.isoformat() if d else None) for n, d in enumerate(deadlines, start=1)]
    _load(home, items, T0, "run-1")
    history = [] if last_issue is None else [{"lang": "fr", "sent_at": last_issue, "items": []}]
    con = connect(home)
    try:
        everything = _all(con, theme)
        fast = plan_issue(theme, "fr", fetch_candidates(con, theme, "fr", history, T1), history, T1)
    finally:
        con.close()
    slow = plan_issue(theme, "fr", everything, history, T1)
    assert [[e.item["id"] for e in entries] for _, entries in fast.by_section()] == [
        [e.item["id"] for e in entries] for _, entries in slow.by_section()
    ]
    # An issue that sent none of them leaves them all candidates, however long before it they were first seen.
    expected = (4 if closing_soon else 0, 2 if closing_soon else 6)
    assert (len(slow.closing_soon), len(slow.new)) == expected


def _all(con, theme):
    from warehouse.filters import select_items

    return select_items(con, theme.filter, T1)


def test_oversized_issue_warns_about_gmail_clipping(home, tmp_path):
    themes = tmp_path / "themes.toml"
    themes.write_text(
        '[[theme]]\nid = "digest"\ncadence = "weekly"\n'
        'title = { fr = "T", nl = "T", en = "T" }\nintro = { fr = "I", nl = "I", en = "I" }\n'
        "sections = { closing_soon = 0, new = 400, events = 0 }\n",
        encoding="utf-8",
    )
    long = "Un texte de présentation assez long pour remplir la lettre. " * 6
    items = [
        make_item(n, summary=long, texts={"fr": {"title": f"Appel {n}", "summary": long}}) for n in range(300)
    ]
    _load(home, items, T0, "run-1")
    result = make_issue("digest", "fr", tmp_path / "out", home, False, [], now=T1, themes_file=themes)
    assert result.counts["new"] == 300
    assert any("Gmail cuts e-mails over 102 KB" in w for w in result.warnings)
    small = make_issue("digest", "fr", tmp_path / "out2", home, False, [], now=T1)
    assert small.warnings == []


def test_make_issues_gives_the_files_make_issue_gives(home, tmp_path):
    items = _random_items(120)
    _load(home, items, T0, "run-1")
    batch = make_issues(home, tmp_path / "batch", now=T1)
    assert [(r.theme, r.lang) for r in batch][:4] == [
        ("digest", "fr"),
        ("digest", "nl"),
        ("digest", "en"),
        ("culture-calls", "fr"),
    ]
    assert len(batch) == 7 * 3
    for theme, lang in (("digest", "nl"), ("events-wallonia", "en"), ("tenders-media", "fr")):
        one = make_issue(theme, lang, tmp_path / "one", home, False, [], now=T1)
        same = next(r for r in batch if (r.theme, r.lang) == (theme, lang))
        assert same.counts == one.counts
        assert same.html_path.read_text(encoding="utf-8") == one.html_path.read_text(encoding="utf-8")
        assert same.text_path.read_text(encoding="utf-8") == one.text_path.read_text(encoding="utf-8")
