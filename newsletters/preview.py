"""The next issue as it stands, for the newsroom: the draft applied and rendered exactly as the e-mail will be
(for a preview or an export), the state of every theme's next issue, and a test sent to one person.

Sending to a theme's list and marking as sent go through `newsletters.make.make_issue`, the one path that
records an issue; a test is never recorded and never changes the draft.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from newsletters.drafts import Draft, drafted_issue, fetch_items
from newsletters.issue import Issue, instant
from newsletters.mail import SmtpSettings, build_message
from newsletters.mail import send as smtp_send
from newsletters.render import Rendered, default_subject, render_issue
from newsletters.themes import Theme, ThemeBook
from vigie.core.languages import UI_LANGS
from warehouse.filters import Filter, select_items
from warehouse.snapshot import connect
from warehouse.store import Warehouse

TEST_PREFIX = "[Test] "
SEARCH_LIMIT = 20


@dataclass
class Prepared:
    theme: Theme
    issue: Issue
    draft: Draft
    rendered: Rendered
    history: list[dict[str, Any]]

    @property
    def default_subject(self) -> str:
        return default_subject(self.issue)

    def message(self, book: ThemeBook, subject: str | None = None) -> EmailMessage:
        """The e-mail as `make_issue` builds it (the sender is added when it is sent)."""
        return build_message(
            subject=subject or self.rendered.subject,
            text=self.rendered.text,
            html=self.rendered.html,
            date=self.issue.now,
            unsubscribe_url=book.settings.unsubscribe_url,
            lang=self.issue.lang,
        )


def prepare(home: Path, book: ThemeBook, theme_id: str, lang: str, now: datetime) -> Prepared:
    """The next issue of a theme in one language with its draft, rendered."""
    theme = book.get(theme_id)
    history = Warehouse(home).newsletter_history(theme_id)
    issue, draft = drafted_issue(home, theme, lang, history, now)
    return Prepared(theme, issue, draft, render_issue(issue, book.settings), history)


def last_sent(history: list[dict[str, Any]], lang: str) -> datetime | None:
    times = [instant(r.get("sent_at")) for r in history if r.get("lang") == lang and r.get("sent_at")]
    return max((t for t in times if t), default=None)


def overview(home: Path, book: ThemeBook, now: datetime) -> list[dict[str, Any]]:
    """Every theme × language: whether the team started a draft, when the last issue went out, how many
    items the next one holds and how many of them close soon."""
    warehouse = Warehouse(home)
    with warehouse.session():  # one opening of the warehouse for every theme's history
        histories = {t: warehouse.newsletter_history(t) for t in book.themes}
    rows = []
    for theme in book.themes.values():
        for lang in UI_LANGS:
            issue, draft = drafted_issue(home, theme, lang, histories[theme.id], now)
            rows.append(
                {
                    "theme": theme,
                    "lang": lang,
                    "draft": draft.touched,
                    "last_sent": last_sent(histories[theme.id], lang),
                    "items": len(issue.entries),
                    "closing_soon": len(issue.closing_soon),
                }
            )
    return rows


def send_test(
    home: Path,
    book: ThemeBook,
    theme_id: str,
    lang: str,
    to: str,
    now: datetime,
    *,
    smtp: SmtpSettings | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> str:
    """Send the issue as it stands to one person, subject marked as a test; returns that subject."""
    smtp = smtp or SmtpSettings.from_env()
    prepared = prepare(home, book, theme_id, lang, now)
    subject = TEST_PREFIX + prepared.rendered.subject
    smtp_send(prepared.message(book, subject), [to], smtp, context=ssl_context)
    return subject


def find_items(
    home: Path, now: datetime, *, q: str | None = None, ids: list[str] | None = None
) -> list[dict[str, Any]]:
    """Items of the snapshot for the newsroom: a search over every item (`q`, the members' search: every
    language, accents optional), or the items named by `ids` (removed ones, to put back)."""
    con = connect(home)
    try:
        if ids is not None:
            return fetch_items(con, ids, now)
        return select_items(con, Filter.from_params({"q": q}), now, limit=SEARCH_LIMIT)
    finally:
        con.close()
