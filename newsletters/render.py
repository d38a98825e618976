"""An issue as an e-mail: HTML (Jinja2, autoescaped, CSS inlined with css-inline) and a plain-text part.

All wording comes from the gettext catalogues in newsletters/locale/<lang>/LC_MESSAGES/messages.po, read at
run time (compiled in memory), so the repository holds no binary .mo files. Dates, times and amounts are
formatted by Babel in Europe/Brussels time.

Source text reaches the HTML only through Jinja2's autoescaping; links only when they are http(s). The only
HTML allowed in is the theme intro written by the comms team, and that goes through nh3 first.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import css_inline
import nh3
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from newsletters.issue import Entry, Issue, instant
from newsletters.themes import Settings
from vigie.core.errors import VigieError
from vigie.core.languages import UI_LANGS, UI_LOCALES
from vigie.core.taxonomy import sector_labels
from vigie.core.timezone import BRUSSELS
from warehouse.places import place_url

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates" / "newsletter"
LOCALE_DIR = HERE / "locale"
SUMMARY_CHARS = 320
INTRO_TAGS = {"strong", "em", "b", "i", "a", "br"}

_INLINER = css_inline.CSSInliner(keep_style_tags=False, keep_at_rules=True, load_remote_stylesheets=False)


@dataclass(frozen=True)
class Rendered:
    subject: str
    preheader: str
    html: str
    text: str
    preview_html: str


@cache
def translations(lang: str) -> Translations:
    """The catalogue of one language, compiled in memory from its .po file."""
    if lang not in UI_LANGS:
        raise VigieError(f"language {lang!r}: newsletters exist in {', '.join(UI_LANGS)}")
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with open(po_path, "rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith(".txt.j2")


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def fmt_date(value: datetime, lang: str) -> str:
    day = value.astimezone(BRUSSELS).date()
    text = format_date(day, "d MMMM y", locale=UI_LOCALES[lang])
    # French writes the first day of a month as an ordinal ("1er mars"); CLDR's pattern has no such field.
    return "1er" + text[1:] if lang == "fr" and day.day == 1 else text


def fmt_time(value: datetime, lang: str) -> str:
    return format_time(value, "HH:mm", tzinfo=BRUSSELS, locale=UI_LOCALES[lang])


def safe_url(url: Any) -> str | None:
    """Only web links reach an href: a javascript: or data: URL from a source becomes no link at all."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


def _shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


def _texts(item: dict[str, Any], lang: str) -> tuple[str, str, str | None]:
    """Title and summary in the newsletter's language when the source gives them, else in the item's own
    language; the third value is that other language (to mark it), or None."""
    texts = item.get("texts") or {}
    own = texts.get(lang) or {}
    if own.get("title"):
        return own["title"], own.get("summary") or "", None
    source_lang = item.get("language") or next(iter(texts), None)
    src = texts.get(source_lang) or {}
    title = src.get("title") or item.get("title") or ""
    summary = src.get("summary") or item.get("summary") or ""
    return title, summary, (source_lang if source_lang and source_lang != lang else None)


def _change_view(entry: Entry, lang: str) -> dict[str, Any] | None:
    change = entry.change
    if change is None:
        return None
    values = {"old": change.old, "new": change.new}
    show = {k: fmt_date(v, lang) if isinstance(v, datetime) else None for k, v in values.items()}
    if (
        change.what in ("deadline_postponed", "deadline_advanced", "date_moved")
        and show["old"] == show["new"]
    ):
        # Same day, another hour: the date alone would read "from 15 March to 15 March".
        show = {k: f"{fmt_date(v, lang)} {fmt_time(v, lang)}" for k, v in values.items()}
    return {"what": change.what, **show}


def _place_view(place: dict[str, Any] | None, lang: str, site_url: str) -> dict[str, str] | None:
    if not place or not place.get("id"):
        return None
    return {"name": place.get("name") or "", "url": place_url(place["id"], lang, site_url)}


def entry_view(entry: Entry, issue: Issue, site_url: str = "") -> dict[str, Any]:
    """What the templates show of one entry; an event's place links to its page under `site_url`."""
    item, lang = entry.item, issue.lang
    title, summary, other_lang = _texts(item, lang)
    labels = sector_labels()
    view: dict[str, Any] = {
        "id": item["id"],
        "kind": item["kind"],
        "title": title,
        "summary": _shorten(summary) if summary else "",
        "other_lang": other_lang,
        "marker": other_lang.upper() if other_lang else None,
        "organiser": item.get("organiser") or "",
        "sectors": [labels.get(s, {}).get(lang, s) for s in item.get("sectors") or []],
        "url": safe_url(item.get("url")),
        "host": urlsplit(item.get("url") or "").hostname or "",
        "change": _change_view(entry, lang),
        "deadline": None,
        "event": None,
        "budget": None,
    }
    deadline = instant(item.get("deadline_at"))
    if deadline and item["kind"] != "event":
        today = issue.now.astimezone(BRUSSELS).date()
        view["deadline"] = {
            "date": fmt_date(deadline, lang),
            "time": None if item.get("deadline_precision") == "date" else fmt_time(deadline, lang),
            "days_left": (deadline.astimezone(BRUSSELS).date() - today).days,
        }
    start = instant(item.get("starts_at"))
    if item["kind"] == "event" and start:
        end = instant(item.get("ends_at"))
        same_day = end is not None and end.astimezone(BRUSSELS).date() == start.astimezone(BRUSSELS).date()
        view["event"] = {
            "date": fmt_date(start, lang),
            "time": fmt_time(start, lang),
            "end_date": fmt_date(end, lang) if end and not same_day else None,
            "end_time": fmt_time(end, lang) if end else None,
            "location": item.get("location") or "",
            "place": _place_view(item.get("place"), lang, site_url),
        }
    amount, currency = item.get("budget_amount"), item.get("budget_currency")
    if amount and currency:
        view["budget"] = format_currency(
            amount,
            currency,
            locale=UI_LOCALES[lang],
            format_type="standard",
            currency_digits=False,
            decimal_quantization=False,
        )
    return view


def clean_intro(text: str) -> Markup:
    return Markup(
        nh3.clean(text, tags=INTRO_TAGS, attributes={"a": {"href"}}, url_schemes={"https", "http", "mailto"})
    )


def default_subject(issue: Issue) -> str:
    """The theme's title and the issue's date: what the subject is unless the comms team wrote another."""
    return f"{issue.theme.title[issue.lang]} — {fmt_date(issue.now, issue.lang)}"


def render_issue(issue: Issue, settings: Settings) -> Rendered:
    lang = issue.lang
    env = environment(lang)
    gettext = translations(lang)
    issue_date = fmt_date(issue.now, lang)
    intro = issue.theme.intro[lang] if issue.intro is None else issue.intro
    subject = issue.subject or default_subject(issue)
    counts = {"closing_soon": len(issue.closing_soon), "new": len(issue.new), "events": len(issue.events)}
    if issue.empty:
        preheader = gettext.gettext("Nothing new this time")
    else:
        parts = []
        if counts["closing_soon"]:
            parts.append(
                gettext.ngettext(
                    "%(num)d deadline closing soon", "%(num)d deadlines closing soon", counts["closing_soon"]
                )
                % {"num": counts["closing_soon"]}
            )
        if counts["new"]:
            parts.append(
                gettext.ngettext("%(num)d new opportunity", "%(num)d new opportunities", counts["new"])
                % {"num": counts["new"]}
            )
        if counts["events"]:
            parts.append(
                gettext.ngettext("%(num)d upcoming event", "%(num)d upcoming events", counts["events"])
                % {"num": counts["events"]}
            )
        preheader = " · ".join(parts)
    context = {
        "lang": lang,
        "subject": subject,
        "preheader": preheader,
        "issue_date": issue_date,
        "theme": issue.theme,
        "title": issue.theme.title[lang],
        "intro": clean_intro(intro),
        "intro_text": html.unescape(nh3.clean(intro, tags=set())),
        "since": fmt_date(issue.since, lang) if issue.since else None,
        "closing_days": issue.theme.sections.closing_days,
        "sections": [
            (name, [entry_view(e, issue, settings.site_url) for e in entries])
            for name, entries in issue.by_section()
            if entries
        ],
        "empty": issue.empty,
        # The configured link, or the mailer's placeholder as it is (the team's mailer replaces it).
        "unsubscribe_url": settings.unsubscribe_url,
        "organisation": settings.organisation,
        "logo_url": settings.logo_url,
    }
    body_html = _INLINER.inline(env.get_template("issue.html.j2").render(**context))
    bar = env.get_template("preview_bar.html.j2").render(**context)
    text = env.get_template("issue.txt.j2").render(**context)
    return Rendered(
        subject=subject,
        preheader=preheader,
        html=body_html,
        text=_tidy_text(text),
        preview_html=_with_preview_bar(body_html, bar),
    )


def _with_preview_bar(html: str, bar: str) -> str:
    """The preview page: the e-mail as sent, with the subject and preview text on top (what an inbox shows
    before the e-mail is opened)."""
    at = html.find(">", html.find("<body")) + 1
    return html[:at] + bar + html[at:]


def _tidy_text(text: str) -> str:
    """Collapse the blank lines template logic leaves, so the text part reads like a hand-written e-mail."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line and lines and not lines[-1]:
            continue
        lines.append(line)
    return "\n".join(lines).strip() + "\n"
