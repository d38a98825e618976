"""What every newsroom route shares: its settings, the session guard, forms, wording and page rendering.

Pages are plain HTML forms with no JavaScript, served with a Content-Security-Policy that allows no script
at all; every value reaches them through Jinja2's autoescaping.
"""

from __future__ import annotations

import ssl
import tomllib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from newsletters.issue import instant
from newsletters.mail import SmtpSettings
from newsletters.render import fmt_date, fmt_time
from newsletters.themes import ThemeBook, load_themes
from service.newsroom.accounts import Account, find_user
from service.newsroom.security import SESSION_COOKIE, LoginLimiter, Session, Sessions, same_token
from service.params import accept_language
from vigie.core.languages import UI_LANGS

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
HL_COOKIE = "vigie_newsroom_hl"
MAX_FORM_BYTES = 64 * 1024
# No script anywhere; the e-mail preview frames are this origin's own pages.
CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; frame-src 'self'; "
    "form-action 'self'; frame-ancestors 'self'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class NewsroomOptions:
    """How `create_app` sets up the newsroom; tests give another themes file, clock or TLS context."""

    themes_file: Path | None = None
    now: Callable[[], datetime] = _now
    smtp: SmtpSettings | None = None  # None: VIGIE_SMTP_* at the time of sending
    ssl_context: ssl.SSLContext | None = None


@dataclass
class Newsroom:
    home: Path
    options: NewsroomOptions
    sessions: Sessions
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    templates: Environment = field(default_factory=lambda: newsroom_templates())

    def book(self) -> ThemeBook:
        """Read on each use, so an edit of themes.toml shows without a restart."""
        return load_themes(self.options.themes_file)


def _when(value: Any, hl: str) -> str:
    moment = instant(value)
    return f"{fmt_date(moment, hl)} {fmt_time(moment, hl)}" if moment else ""


def newsroom_templates() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["when"] = _when  # a date and time in Brussels, worded in the interface language
    return env


@dataclass
class Ctx:
    """One request of a logged-in person."""

    request: Request
    session: Session
    user: Account
    hl: str
    form: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)


@cache
def wording() -> dict[str, dict[str, str]]:
    with open(TEMPLATES / "strings.toml", "rb") as fh:
        return tomllib.load(fh)


def interface_lang(request: Request) -> str:
    """`hl` from the query, else the one chosen before (cookie), else the browser's."""
    asked = request.query_params.get("hl")
    if asked in UI_LANGS:
        return asked
    kept = request.cookies.get(HL_COOKIE)
    return kept if kept in UI_LANGS else accept_language(request)


def page(room: Newsroom, request: Request, name: str, hl: str, status: int = 200, **values: Any) -> Response:
    html = room.templates.get_template(name).render(
        t=wording()[hl], hl=hl, ui_langs=UI_LANGS, path=request.url.path, **values
    )
    response = HTMLResponse(html, status_code=status, headers=HEADERS)
    if request.query_params.get("hl") in UI_LANGS:
        response.set_cookie(HL_COOKIE, hl, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def to_login(request: Request) -> Response:
    """No session: a browser goes to the login page (and comes back after), anything else gets 401."""
    if not wants_html(request):
        return PlainTextResponse(
            "newsroom: log in first at /newsroom/login\n", status_code=401, headers=HEADERS
        )
    back = request.url.path if request.method == "GET" else "/newsroom/"
    hl = request.query_params.get("hl")
    keep = f"&hl={hl}" if hl in UI_LANGS else ""  # the login page speaks the language asked for
    return RedirectResponse(f"/newsroom/login?next={quote(back)}{keep}", status_code=303, headers=HEADERS)


def safe_next(value: str | None) -> str:
    """Only a newsroom path of this site: never an address elsewhere (an open redirect)."""
    if value and value.startswith("/newsroom/") and "//" not in value and "\\" not in value:
        return value
    return "/newsroom/"


async def read_form(request: Request) -> dict[str, list[str]] | None:
    """An application/x-www-form-urlencoded body (the only kind the newsroom's forms send), or None."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return None
    values: dict[str, list[str]] = {}
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        values.setdefault(key, []).append(value)
    return values


Handler = Callable[[Ctx], Awaitable[Response]]


def guarded(room: Newsroom, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A route for logged-in people only; a POST must also bring the session's CSRF token."""

    async def endpoint(request: Request) -> Response:
        session = room.sessions.read(request.cookies.get(SESSION_COOKIE))
        user = find_user(room.home, session.user) if session else None
        if session is None or user is None:
            return to_login(request)
        ctx = Ctx(request, session, user, interface_lang(request))
        if request.method == "POST":
            lists = await read_form(request)
            if lists is None:
                return PlainTextResponse("newsroom: form too large\n", status_code=413, headers=HEADERS)
            ctx.lists, ctx.form = lists, {k: v[-1] for k, v in lists.items()}
            if not same_token(ctx.form.get("csrf_token"), session.csrf):
                return page(room, request, "refused.html", ctx.hl, status=403, user=user)
        return await handler(ctx)

    return endpoint


def back_to(url: str, done: str | None = None) -> Response:
    """After a change, the page again (Post/Redirect/Get), with a note of what was done."""
    if done:
        url += ("&" if "?" in url else "?") + f"done={quote(done)}"
    return RedirectResponse(url, status_code=303, headers=HEADERS)


def user_page(room: Newsroom, ctx: Ctx, name: str, status: int = 200, **values: Any) -> Response:
    """A page for a logged-in person: every form on it carries the session's CSRF token."""
    return page(room, ctx.request, name, ctx.hl, status, csrf=ctx.session.csrf, user=ctx.user, **values)
