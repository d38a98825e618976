"""`vigie newsletter THEME`: build one issue from the published snapshot, write it, and send it if asked.

Files, under $VIGIE_HOME/newsletters/<theme>/<date>-<lang>.* (or --out DIR/<theme>-<date>-<lang>.*; the
date of the issue in Brussels): .html (the e-mail body, CSS inlined), .txt (the text part), .eml (both parts, ready to import into
any mailer) and .preview.html (the e-mail with a banner showing subject and preview text, to look at in a
browser).

What counts as sent: an issue is recorded in `newsletter_issues` only when it went out, because the next
issue leaves out what was recorded. `--send` records it after the SMTP server accepted it. A team that sends
the .eml with another mailer records it with `mark_sent=True` (the lead wires it as `--mark-sent`) once it
actually went out; a preview alone never hides items from the next issue.
"""

from __future__ import annotations

import os
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from newsletters.drafts import clear_after_send, drafted_issue, with_draft
from newsletters.history import archive
from newsletters.issue import Issue
from newsletters.mail import SmtpSettings, build_message, is_real_link, to_bytes
from newsletters.mail import send as smtp_send
from newsletters.render import Rendered, render_issue
from newsletters.themes import ThemeBook, load_themes
from vigie.core.errors import NewsletterError, NoSnapshotError
from vigie.core.languages import UI_LANGS
from vigie.core.paths import newsletters_dir
from vigie.core.timezone import BRUSSELS
from warehouse.clock import fixed_clock
from warehouse.snapshot import connect
from warehouse.store import Warehouse

GMAIL_CLIP_KB = 102


@dataclass
class IssueResult:
    theme: str
    lang: str
    subject: str
    html_path: Path
    text_path: Path
    eml_path: Path
    preview_path: Path
    counts: dict[str, int]
    empty: bool
    sent: bool = False
    recorded: bool = False
    recipients: int = 0
    issue_id: str | None = None
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        if self.empty:
            what = "nothing new this time"
        else:
            what = (
                f"{self.counts['closing_soon']} closing soon, {self.counts['new']} new, "
                f"{self.counts['events']} upcoming events"
            )
        lines = [
            f"{self.theme} ({self.lang}): {what}",
            f"subject: {self.subject}",
            f"preview: {self.preview_path}",
            f"html: {self.html_path}",
            f"text: {self.text_path}",
            f"eml: {self.eml_path}",
        ]
        if self.sent:
            lines.append(f"sent to {self.recipients} recipient(s), recorded as issue {self.issue_id}")
        elif self.recorded:
            lines.append(
                f"recorded as sent (issue {self.issue_id}): the next issue will not repeat these items"
            )
        else:
            lines.append("not sent: add --send --to ADDRESS to send it")
        return lines + [f"warning: {w}" for w in self.warnings]


def output_paths(theme: str, lang: str, now: datetime, out_dir: Path | None, home: Path) -> dict[str, Path]:
    stem = f"{now.astimezone(BRUSSELS):%Y-%m-%d}-{lang}"
    if out_dir is None:
        folder = newsletters_dir(home) / theme
    else:  # one folder for every theme: the theme goes into the name
        folder, stem = out_dir, f"{theme}-{stem}"
    return {
        "html": folder / f"{stem}.html",
        "text": folder / f"{stem}.txt",
        "eml": folder / f"{stem}.eml",
        "preview": folder / f"{stem}.preview.html",
    }


def render_files(
    issue: Issue, book: ThemeBook, paths: dict[str, Path], sender: str | None, to: list[str]
) -> tuple[Rendered, EmailMessage]:
    """Render an issue and write its four files; returns the rendering and the e-mail message.

    This is the boundary below the warehouse: anything that holds an `Issue` (tests, another data source)
    gets the same files."""
    rendered = render_issue(issue, book.settings)
    message = build_message(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        date=issue.now,
        sender=sender,
        to=to,
        unsubscribe_url=book.settings.unsubscribe_url,
        lang=issue.lang,
    )
    paths["html"].parent.mkdir(parents=True, exist_ok=True)
    paths["html"].write_text(rendered.html, encoding="utf-8")
    paths["text"].write_text(rendered.text, encoding="utf-8")
    paths["preview"].write_text(rendered.preview_html, encoding="utf-8")
    paths["eml"].write_bytes(to_bytes(message))
    return rendered, message


def _write(
    issue: Issue, book: ThemeBook, paths: dict[str, Path], sender: str | None, to: list[str]
) -> tuple[IssueResult, Rendered, EmailMessage]:
    rendered, message = render_files(issue, book, paths, sender, to)
    result = IssueResult(
        theme=issue.theme.id,
        lang=issue.lang,
        subject=rendered.subject,
        html_path=paths["html"],
        text_path=paths["text"],
        eml_path=paths["eml"],
        preview_path=paths["preview"],
        counts={"closing_soon": len(issue.closing_soon), "new": len(issue.new), "events": len(issue.events)},
        empty=issue.empty,
    )
    size_kb = len(rendered.html.encode()) / 1024
    if size_kb > GMAIL_CLIP_KB:
        result.warnings.append(
            f"the HTML is {size_kb:.0f} KB: Gmail cuts e-mails over {GMAIL_CLIP_KB} KB behind a link; "
            f"lower the section sizes of theme {issue.theme.id!r} in themes.toml"
        )
    return result, rendered, message


def make_issues(
    home: Path,
    out_dir: Path | None = None,
    themes: list[str] | None = None,
    langs: tuple[str, ...] = UI_LANGS,
    now: datetime | None = None,
    *,
    themes_file: Path | None = None,
) -> list[IssueResult]:
    """Previews of several themes and languages at once (nothing sent or recorded), e.g. for the comms team's
    weekly look at everything. Same files and rules as `make_issue`; the warehouse and the snapshot are opened
    once, and languages with the same history share one read of the snapshot."""
    book = load_themes(themes_file)
    chosen = [book.get(t) for t in (themes or list(book.themes))]
    bad = [lang for lang in langs if lang not in UI_LANGS]
    if bad:
        raise NewsletterError(f"--lang: {bad[0]!r} is not one of {', '.join(UI_LANGS)}")
    now = _aware(now, home)
    warehouse = Warehouse(home)
    histories = {t.id: warehouse.newsletter_history(t.id) for t in chosen}
    sender = (os.environ.get("VIGIE_SMTP_FROM") or "").strip() or None
    results = []
    con = connect(home)
    try:
        con.execute("SET threads = 1")  # see newsletters.drafts.drafted_issue
        for theme in chosen:
            history = histories[theme.id]
            shared: dict[Any, list[dict[str, Any]]] = {}
            for lang in langs:
                issue, _ = with_draft(
                    con, home, theme, lang, history, now, shared
                )  # with the newsroom's choices
                results.append(
                    _write(issue, book, output_paths(theme.id, lang, now, out_dir, home), sender, [])[0]
                )
    finally:
        con.close()
    return results


def _aware(now: datetime | None, home: Path) -> datetime:
    """The issue's day: the one asked, else the day the published run was made as of (`vigie run --as-of`,
    the demo: its issue shows what was open then), else now."""
    if now is None:
        try:
            con = connect(home)
        except NoSnapshotError:
            con = None  # nothing published: the issue's own reading says so
        if con is not None:
            try:
                now = fixed_clock(con)
            finally:
                con.close()
    now = now or datetime.now(UTC)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def make_issue(
    theme: str,
    lang: str,
    out_dir: Path | None,
    home: Path,
    send: bool,
    to: list[str],
    now: datetime | None = None,
    *,
    force: bool = False,
    mark_sent: bool = False,
    smtp: SmtpSettings | None = None,
    ssl_context: ssl.SSLContext | None = None,
    themes_file: Path | None = None,
) -> IssueResult:
    """Build, write and (with `send`) deliver one issue of `theme` in `lang`; see the module docstring.

    `force` sends (or marks as sent) an issue with nothing new; without it an empty issue is written for
    preview but refused for sending."""
    if lang not in UI_LANGS:
        raise NewsletterError(f"--lang: {lang!r} is not one of {', '.join(UI_LANGS)}")
    book = load_themes(themes_file)
    chosen = book.get(theme)
    now = _aware(now, home)
    if send:
        if not to:
            raise NewsletterError("--send needs at least one --to address")
        smtp = smtp or SmtpSettings.from_env()
        if not is_real_link(book.settings.unsubscribe_url):
            raise NewsletterError(
                f"unsubscribe link is the placeholder {book.settings.unsubscribe_url!r}: set VIGIE_UNSUBSCRIBE_URL "
                "or unsubscribe_url in config/themes.toml to a https:// or mailto: link before Vigie sends "
                "(the .eml keeps the placeholder for mailers that replace it)"
            )
    warehouse = Warehouse(home)
    history = warehouse.newsletter_history(theme)
    issue, _ = drafted_issue(home, chosen, lang, history, now)  # with the newsroom's choices
    # The .eml carries the sender when it is configured, so a mailer that imports it needs no edit.
    sender = smtp.sender if smtp else (os.environ.get("VIGIE_SMTP_FROM") or "").strip() or None
    paths = output_paths(theme, lang, now, out_dir, home)
    result, rendered, message = _write(issue, book, paths, sender, to)
    if not (send or mark_sent):
        return result
    if issue.empty and not force:
        raise NewsletterError(
            f"{theme} ({lang}): nothing new since the last issue, so it was not "
            f"{'sent' if send else 'marked as sent'} (preview: {paths['preview']}); "
            "add --force to send it anyway"
        )
    if send:
        smtp_send(message, to, smtp, context=ssl_context)
        result.sent = True
    result.recipients = len(to)
    result.issue_id = f"{theme}-{lang}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    warehouse.record_newsletter_issue(
        {
            "issue_id": result.issue_id,
            "theme": theme,
            "lang": lang,
            "created_at": now,
            "sent_at": now,
            "recipients": len(to),
            "subject": rendered.subject,
            "html_path": str(archive(home, theme, result.issue_id, paths)),
            "items": issue.sent_items(),
        }
    )
    result.recorded = True
    clear_after_send(home, theme, lang)
    return result
