"""The comms team's choices for the next issue of a theme in one language: pins, removals, order, added items,
intro and subject. The newsroom edits them, `vigie newsletter` and the newsroom both apply them.

A draft is a small JSON file, $VIGIE_HOME/newsroom/drafts/<theme>-<lang>.json, written atomically; it only
names item ids, so it survives a restart and a new pipeline run (a pinned or added item is read again from the
snapshot when the new run pushed it out of the theme's selection).

- pinned: always in the issue, at the top of its section (an item the theme did not pick comes on top of
  the section's limit);
- added: an item found by a search, put in the section it belongs to (kept like a pinned one);
- removed: left out, and the next candidate takes its place; stays left out for later issues of this theme
  and language until put back;
- order: the order the team set with "move"; items it does not name keep their place after those it names;
- intro, subject: this issue's words (None: the theme's defaults).
Once an issue is sent (or marked sent) its pins, additions, order, intro and subject are cleared: they were
about that issue. Removals stay.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from newsletters.issue import Entry, Issue, fetch_candidates, history_key, instant, plan_issue
from newsletters.themes import Sections, Theme
from vigie.core.errors import DraftError
from vigie.core.paths import newsroom_dir
from warehouse.filters import Filter, select_items
from warehouse.snapshot import connect

_LOCK = threading.Lock()  # one writer at a time within the service: read, change and save are one step


@dataclass
class Draft:
    theme: str
    lang: str
    pinned: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    intro: str | None = None
    subject: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None

    @property
    def touched(self) -> bool:
        """Whether the team changed anything for the next issue (removals from earlier issues aside)."""
        return bool(self.pinned or self.added or self.order or self.intro is not None or self.subject)

    def explicit(self) -> list[str]:
        """The ids the team asked for by name."""
        return list(dict.fromkeys([*self.pinned, *self.added]))


def draft_path(home: Path, theme: str, lang: str) -> Path:
    return newsroom_dir(home) / "drafts" / f"{theme}-{lang}.json"


def load_draft(home: Path, theme: str, lang: str) -> Draft:
    path = draft_path(home, theme, lang)
    if not path.exists():
        return Draft(theme, lang)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Draft(**{k: v for k, v in data.items() if k in Draft.__dataclass_fields__})
    except (ValueError, TypeError) as exc:
        raise DraftError(f"{path}: the draft of {theme} ({lang}) cannot be read ({exc})") from None


def save_draft(home: Path, draft: Draft, who: str | None = None) -> None:
    draft.updated_at = datetime.now(UTC).isoformat(timespec="seconds")
    draft.updated_by = who or draft.updated_by
    path = draft_path(home, draft.theme, draft.lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(asdict(draft), fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def change_draft(home: Path, theme: str, lang: str, action: str, who: str, **values: Any) -> Draft:
    """Apply one of the newsroom's actions and save: pin, unpin, remove, restore, add, move (item_id and,
    for move, `shown` the ids in the order the page showed them and `delta` -1 or +1), words (intro, subject)."""
    with _LOCK:
        draft = load_draft(home, theme, lang)
        item_id = values.get("item_id") or ""
        if action in ("pin", "unpin", "remove", "restore", "add", "move") and not item_id:
            raise DraftError(f"{theme} ({lang}): {action} needs an item")
        if action == "pin":
            draft.pinned = _with(draft.pinned, item_id)
            draft.removed = _without(draft.removed, item_id)
        elif action == "unpin":
            draft.pinned = _without(draft.pinned, item_id)
        elif action == "remove":
            draft.removed = _with(draft.removed, item_id)
            draft.pinned, draft.added = _without(draft.pinned, item_id), _without(draft.added, item_id)
        elif action == "restore":
            draft.removed = _without(draft.removed, item_id)
        elif action == "add":
            draft.added = _with(draft.added, item_id)
            draft.removed = _without(draft.removed, item_id)
        elif action == "move":
            shown = list(values.get("shown") or [])
            moved = _moved(shown, item_id, int(values.get("delta") or 0))
            # `shown` is one section; the order the team gave the other sections stays.
            draft.order = [i for i in draft.order if i not in moved] + moved
        elif action == "words":
            draft.intro = values.get("intro")
            draft.subject = (values.get("subject") or "").strip() or None
        else:
            raise DraftError(f"{theme} ({lang}): unknown draft action {action[:40]!r}")
        save_draft(home, draft, who)
        return draft


def clear_after_send(home: Path, theme: str, lang: str, who: str | None = None) -> None:
    """The sent issue's choices are done with; removals stay (see the module docstring)."""
    with _LOCK:
        draft = load_draft(home, theme, lang)
        if draft.touched:
            save_draft(home, Draft(theme, lang, removed=draft.removed), who)


def _with(ids: list[str], item_id: str) -> list[str]:
    return ids if item_id in ids else [*ids, item_id]


def _without(ids: list[str], item_id: str) -> list[str]:
    return [i for i in ids if i != item_id]


def _moved(shown: list[str], item_id: str, delta: int) -> list[str]:
    if item_id not in shown:
        raise DraftError(f"move: item {item_id[:80]!r} is not in this issue")
    at = shown.index(item_id)
    to = max(0, min(len(shown) - 1, at + delta))
    shown.insert(to, shown.pop(at))
    return shown


def section_for(item: dict[str, Any], theme: Theme, now: datetime) -> str:
    """Where an item the team added belongs: the section plan_issue would give it."""
    if item["kind"] == "event":
        return "events"
    deadline = instant(item.get("deadline_at"))
    size = theme.sections
    if size.closing_soon and deadline and deadline <= now + timedelta(days=size.closing_days):
        return "closing_soon"
    return "new"


def apply_draft(issue: Issue, draft: Draft, fetched: list[dict[str, Any]]) -> Issue:
    """The issue with the team's choices: the theme's own picks once removals are out (up to each section's
    limit, in the theme's order) plus every item the team named; `fetched` holds the named items the
    selection lacks. Then the team's order, then pins on top in the order they were pinned."""
    removed, pinned, explicit = set(draft.removed), draft.pinned, set(draft.explicit())
    size = issue.theme.sections
    limits = {"closing_soon": size.closing_soon, "new": size.new, "events": size.events}
    sections: dict[str, list[Entry]] = {}
    for name, entries in issue.by_section():
        natural = [e for e in entries if e.item["id"] not in removed]
        own = {e.item["id"] for e in natural[: limits[name]]}
        sections[name] = [e for e in natural if e.item["id"] in own or e.item["id"] in explicit]
    present = {e.item["id"] for e in issue.entries}
    for item in fetched:
        if item["id"] not in present and item["id"] not in removed:
            name = section_for(item, issue.theme, issue.now)
            sections[name].append(Entry(item, name))
            present.add(item["id"])
    rank = {item_id: n for n, item_id in enumerate(draft.order)}
    for name, entries in sections.items():
        entries.sort(key=lambda e: rank.get(e.item["id"], len(rank)))  # stable: ties keep the theme's order
        entries.sort(key=lambda e: pinned.index(e.item["id"]) if e.item["id"] in pinned else len(pinned))
        setattr(issue, name, entries)
    issue.intro, issue.subject = draft.intro, draft.subject
    return issue


def fetch_items(con: duckdb.DuckDBPyConnection, ids: list[str], now: datetime) -> list[dict[str, Any]]:
    """Whole items of the snapshot by id, whatever the theme's filter (the team may add any item)."""
    if not ids:
        return []
    return select_items(con, Filter(), now, extra_where="list_contains(?::VARCHAR[], id)", extra_params=[ids])


def drafted_issue(
    home: Path, theme: Theme, lang: str, history: list[dict[str, Any]], now: datetime
) -> tuple[Issue, Draft]:
    """The next issue of `theme` in `lang` as the theme selects it, with the team's draft applied."""
    con = connect(home)
    try:
        # The issue reads a few hundred rows: parallel scans gain nothing there, and on a busy 2-core machine
        # the hand-offs between DuckDB's threads cost more than the scan (measured: 1.5 s instead of 2.3 s
        # for the queries of 21 issues over 100,000 items).
        con.execute("SET threads = 1")
        return with_draft(con, home, theme, lang, history, now)
    finally:
        con.close()


def with_draft(
    con: duckdb.DuckDBPyConnection,
    home: Path,
    theme: Theme,
    lang: str,
    history: list[dict[str, Any]],
    now: datetime,
    shared: dict[Any, list[dict[str, Any]]] | None = None,
) -> tuple[Issue, Draft]:
    """The issue with its saved draft applied, read from `con`. The selection reads as many more candidates
    as the draft names or removes, so a removed item's place goes to the next one. `shared` keeps candidates
    between languages that would read the same ones (make_issues)."""
    draft = load_draft(home, theme.id, lang)
    extra = len(draft.removed) + len(draft.explicit())
    wide = replace(theme, sections=_widened(theme.sections, extra)) if extra else theme
    key = (history_key(history, lang), extra)
    cache = {} if shared is None else shared
    if key not in cache:
        cache[key] = fetch_candidates(con, wide, lang, history, now)
    issue = plan_issue(wide, lang, cache[key], history, now)
    issue.theme = theme  # the real limits, which apply_draft keeps
    present = {e.item["id"] for e in issue.entries}
    fetched = fetch_items(con, [i for i in draft.explicit() if i not in present], now)
    return apply_draft(issue, draft, fetched), draft


def _widened(size: Sections, extra: int) -> Sections:
    return replace(
        size,
        closing_soon=size.closing_soon + extra if size.closing_soon else 0,
        new=size.new + extra if size.new else 0,
        events=size.events + extra if size.events else 0,
    )
