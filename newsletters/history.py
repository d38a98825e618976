"""Sent issues, kept to be reopened: a copy of each issue's HTML and text as it went out.

The files `make_issue` writes are named by theme, date and language, so a later preview of the same day
replaces them; the copy under $VIGIE_HOME/newsletters/<theme>/sent/<issue_id>.{html,txt} never changes, and
`newsletter_issues.html_path` points to it. What counts as seen is the history itself (newsletters.issue).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from vigie.core.errors import NewsletterError
from vigie.core.paths import newsletters_dir
from warehouse.store import Warehouse

ISSUE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}-[a-z]{2}-\d{8}T\d{6}Z-[0-9a-f]{6}$")


def archive(home: Path, theme: str, issue_id: str, paths: dict[str, Path]) -> Path:
    """Copy the issue's HTML and text beside each other under sent/; returns the HTML copy's path."""
    folder = newsletters_dir(home) / theme / "sent"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(paths["html"], folder / f"{issue_id}.html")
    shutil.copyfile(paths["text"], folder / f"{issue_id}.txt")
    return folder / f"{issue_id}.html"


def sent_issues(home: Path, themes: list[str]) -> list[dict[str, Any]]:
    """Every recorded issue of these themes, newest first."""
    warehouse = Warehouse(home)
    rows = [row for theme in themes for row in warehouse.newsletter_history(theme)]
    return sorted(rows, key=lambda r: (r.get("sent_at") or r["created_at"], r["issue_id"]), reverse=True)


def sent_issue(home: Path, theme: str, issue_id: str) -> tuple[dict[str, Any], str, str]:
    """One recorded issue with its HTML and text as sent; NewsletterError when it is unknown."""
    if not ISSUE_ID.match(issue_id):
        raise NewsletterError(f"{issue_id[:100]!r} is not an issue id")
    for row in Warehouse(home).newsletter_history(theme):
        if row["issue_id"] == issue_id:
            html_path = Path(row["html_path"] or "")
            try:
                html = html_path.read_text(encoding="utf-8")
                text = html_path.with_suffix(".txt").read_text(encoding="utf-8")
            except OSError:
                raise NewsletterError(f"issue {issue_id}: its copy {html_path} is missing") from None
            return row, html, text
    raise NewsletterError(f"{theme}: no sent issue {issue_id}")
