"""Sending from the newsroom, and the history of what was sent.

- POST /newsroom/THEME/LANG/test: the issue as it stands to the logged-in person only, never recorded;
- POST /newsroom/THEME/LANG/send: to the theme's list (`list_address` in config/themes.toml) through
  `make_issue`, the one path that sends and records (unsubscribe link, STARTTLS, no empty issue unless `force`);
- POST /newsroom/THEME/LANG/mark-sent: recorded as sent with another mailer (after an export);
- GET /newsroom/history and /newsroom/history/THEME/ISSUE_ID (+ /email.html): sent issues, read-only.
"""

from __future__ import annotations

from email.utils import getaddresses

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.routing import Route

from newsletters.history import sent_issue, sent_issues
from newsletters.make import make_issue
from newsletters.preview import send_test
from service.newsroom.pages import chosen, email_response, issue_page, issue_url
from service.newsroom.web import Ctx, Newsroom, back_to, guarded, user_page
from vigie.core.errors import MailError, NewsletterError, ThemeError, VigieError


def history_url(theme: str, issue_id: str) -> str:
    return f"/newsroom/history/{theme}/{issue_id}"


def routes(room: Newsroom) -> list[Route]:
    home, options = room.home, room.options

    async def test(ctx: Ctx) -> Response:
        picked = chosen(room, ctx)
        if isinstance(picked, Response):
            return picked
        book, theme, lang = picked
        try:
            await run_in_threadpool(
                lambda: send_test(
                    home,
                    book,
                    theme,
                    lang,
                    ctx.user.email,
                    options.now(),
                    smtp=options.smtp,
                    ssl_context=options.ssl_context,
                )
            )
        except VigieError as exc:
            return await issue_page(room, ctx, 502 if isinstance(exc, MailError) else 400, str(exc))
        return back_to(issue_url(theme, lang), "test_sent")

    async def record(ctx: Ctx, send: bool) -> Response:
        picked = chosen(room, ctx)
        if isinstance(picked, Response):
            return picked
        book, theme, lang = picked
        to: list[str] = []
        if send:
            to = [addr for _, addr in getaddresses([book.get(theme).list_address.get(lang, "")]) if addr]
            if not to:
                message = (
                    f"{theme} ({lang}): no list to send to: add list_address.{lang} to the theme in "
                    "config/themes.toml, or export the issue and mark it as sent"
                )
                return await issue_page(room, ctx, 400, message)
        try:
            result = await run_in_threadpool(
                lambda: make_issue(
                    theme,
                    lang,
                    None,
                    home,
                    send,
                    to,
                    options.now(),
                    force=ctx.form.get("force") == "yes",
                    mark_sent=not send,
                    smtp=options.smtp,
                    ssl_context=options.ssl_context,
                    themes_file=options.themes_file,
                )
            )
        except VigieError as exc:
            return await issue_page(room, ctx, 502 if isinstance(exc, MailError) else 400, str(exc))
        return back_to(history_url(theme, result.issue_id or ""), "sent" if send else "marked")

    async def send(ctx: Ctx) -> Response:
        return await record(ctx, True)

    async def mark_sent(ctx: Ctx) -> Response:
        return await record(ctx, False)

    async def history(ctx: Ctx) -> Response:
        book = room.book()
        rows = await run_in_threadpool(sent_issues, home, list(book.themes))
        return user_page(room, ctx, "history.html", rows=rows, themes=book.themes)

    async def one(ctx: Ctx, frame: bool) -> Response:
        theme, issue_id = ctx.request.path_params["theme"], ctx.request.path_params["issue_id"]
        try:
            room.book().get(theme)
            row, html, text = await run_in_threadpool(sent_issue, home, theme, issue_id)
        except (ThemeError, NewsletterError):
            return user_page(room, ctx, "missing.html", 404, what=issue_id)
        if frame:
            return email_response(html)
        return user_page(
            room,
            ctx,
            "sent.html",
            row=row,
            text=text,
            frame=f"{history_url(theme, issue_id)}/email.html",
            done=ctx.request.query_params.get("done"),
        )

    async def sent_page(ctx: Ctx) -> Response:
        return await one(ctx, False)

    async def sent_frame(ctx: Ctx) -> Response:
        return await one(ctx, True)

    return [
        Route("/newsroom/history", guarded(room, history)),
        Route("/newsroom/history/{theme}/{issue_id}", guarded(room, sent_page)),
        Route("/newsroom/history/{theme}/{issue_id}/email.html", guarded(room, sent_frame)),
        Route("/newsroom/{theme}/{lang}/test", guarded(room, test), methods=["POST"]),
        Route("/newsroom/{theme}/{lang}/send", guarded(room, send), methods=["POST"]),
        Route("/newsroom/{theme}/{lang}/mark-sent", guarded(room, mark_sent), methods=["POST"]),
    ]
