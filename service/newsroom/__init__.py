"""The comms team's newsroom in `vigie serve`: prepare, preview and send each theme's newsletter in each
language from a browser (FR/NL/EN interface, `hl`).

Routes (every one but the login page needs a session: without one a browser is sent to the login page with
303, any other client gets 401; every POST needs the session's `csrf_token`):
    GET  /newsroom/login                          the login form; POST it: username, password, csrf_token
    POST /newsroom/logout                         ends the session (revoked on the server too)
    GET  /newsroom/                               themes × languages: draft or not, last sent, items, closing soon
    GET  /newsroom/THEME/LANG                     the next issue: items in e-mail order with pin, remove, move;
                                                  intro and subject; ?q= search to add items; removed items
    POST /newsroom/THEME/LANG/draft               action = pin|unpin|remove|restore|add|up|down|words
    GET  /newsroom/THEME/LANG/preview             the e-mail as it will render, desktop and 400 px, and its text
    GET  /newsroom/THEME/LANG/email.html          the e-mail's HTML alone (the preview's frames)
    GET  /newsroom/THEME/LANG/export.{html,txt,eml}  the issue's files, for a team's own mailing tool
    POST /newsroom/THEME/LANG/test                a test to the logged-in person's address (not recorded)
    POST /newsroom/THEME/LANG/send                to the theme's list_address over SMTP; recorded as sent
    POST /newsroom/THEME/LANG/mark-sent           recorded as sent (it went out with another tool)
    GET  /newsroom/history                        sent issues, newest first
    GET  /newsroom/history/THEME/ISSUE_ID         one sent issue, read-only (+ /email.html for its frame)
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from service.newsroom import login, pages, sending
from service.newsroom.security import Sessions
from service.newsroom.web import Ctx, Newsroom, NewsroomOptions, guarded, user_page

__all__ = ["NewsroomOptions", "routes"]


def routes(home: Path, options: NewsroomOptions | None = None) -> list[BaseRoute]:
    room = Newsroom(Path(home), options or NewsroomOptions(), Sessions(Path(home)))

    async def bare(request: Request) -> Response:
        return RedirectResponse("/newsroom/", status_code=308)

    async def unknown(ctx: Ctx) -> Response:
        return user_page(room, ctx, "missing.html", 404, what=ctx.request.url.path[:80])

    return [
        Route("/newsroom", bare),
        *login.routes(room),
        *sending.routes(room),  # before pages: /newsroom/history/... is not a theme
        *pages.routes(room),
        Route("/newsroom/{rest:path}", guarded(room, unknown), methods=["GET", "POST"]),
    ]
