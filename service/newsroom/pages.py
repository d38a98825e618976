"""The newsroom's pages for preparing an issue: the list of themes × languages, an issue's page, its draft
actions, the preview (as the e-mail renders, desktop and 400 px, HTML and text) and the exports."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from feeds.entry import item_text
from newsletters.drafts import change_draft
from newsletters.mail import to_bytes
from newsletters.preview import Prepared, find_items, overview, prepare
from newsletters.render import entry_view
from newsletters.themes import ThemeBook
from service.newsroom.web import HEADERS, Ctx, Newsroom, back_to, guarded, user_page
from vigie.core.errors import FilterError, ThemeError, VigieError
from vigie.core.languages import UI_LANGS

MOVES = {"up": -1, "down": 1}
# The e-mail itself, in its frame: its inline styles and https images, nothing else; no script, no form.
EMAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'"
EXPORTS = {"html": "text/html; charset=utf-8", "txt": "text/plain; charset=utf-8", "eml": "message/rfc822"}


def issue_url(theme: str, lang: str) -> str:
    return f"/newsroom/{theme}/{lang}"


def chosen(room: Newsroom, ctx: Ctx) -> tuple[ThemeBook, str, str] | Response:
    """The theme and language a path names, or the 404 page."""
    theme, lang = ctx.request.path_params["theme"], ctx.request.path_params["lang"]
    try:
        book = room.book()
        book.get(theme)
    except ThemeError:
        return user_page(room, ctx, "missing.html", 404, what=theme)
    if lang not in UI_LANGS:
        return user_page(room, ctx, "missing.html", 404, what=lang)
    return book, theme, lang


def _brief(item: dict[str, Any], lang: str) -> dict[str, Any]:
    """A search result or a removed item: enough to recognise it."""
    return {"id": item["id"], "kind": item["kind"], "title": item_text(item, lang)[0]}


def entries_view(prepared: Prepared) -> list[dict[str, Any]]:
    """Each item as the issue page shows it, in the e-mail's order."""
    issue, draft = prepared.issue, prepared.draft
    rows = []
    for name, entries in issue.by_section():
        ids = [e.item["id"] for e in entries]
        for n, entry in enumerate(entries):
            view = entry_view(entry, issue)
            view.update(
                section=name,
                source=entry.item.get("source") or "",
                fit=entry.item.get("fit"),
                pinned=view["id"] in draft.pinned,
                added=view["id"] in draft.added,
                first=n == 0,
                last=n == len(entries) - 1,
                shown=ids,
            )
            rows.append(view)
    return rows


async def issue_page(room: Newsroom, ctx: Ctx, status: int = 200, error: str | None = None) -> Response:
    """An issue's page: its items with their actions, the words, the search, sending (`error`: what failed)."""
    home = room.home
    picked = chosen(room, ctx)
    if isinstance(picked, Response):
        return picked
    book, theme, lang = picked
    now = room.options.now()
    prepared = await run_in_threadpool(prepare, home, book, theme, lang, now)
    q = (ctx.request.query_params.get("q") or "").strip()
    found: list[dict[str, Any]] = []
    if q:
        try:
            found = await run_in_threadpool(lambda: find_items(home, now, q=q))
        except FilterError as exc:
            error = str(exc)
    removed = await run_in_threadpool(lambda: find_items(home, now, ids=prepared.draft.removed))
    present = {e.item["id"] for e in prepared.issue.entries}
    return user_page(
        room,
        ctx,
        "issue.html",
        status,
        theme=prepared.theme,
        lang=lang,
        url=issue_url(theme, lang),
        entries=entries_view(prepared),
        draft=prepared.draft,
        intro=prepared.issue.intro if prepared.issue.intro is not None else prepared.theme.intro[lang],
        subject=prepared.rendered.subject,
        empty=prepared.issue.empty,
        list_address=prepared.theme.list_address.get(lang),
        q=q,
        found=[_brief(i, lang) for i in found if i["id"] not in present],
        removed=[_brief(i, lang) for i in removed],
        done=ctx.request.query_params.get("done"),
        error=error,
    )


def routes(room: Newsroom) -> list[Route]:
    home = room.home

    async def index(ctx: Ctx) -> Response:
        rows = await run_in_threadpool(overview, home, room.book(), room.options.now())
        return user_page(room, ctx, "index.html", rows=rows)

    async def draft(ctx: Ctx) -> Response:
        picked = chosen(room, ctx)
        if isinstance(picked, Response):
            return picked
        book, theme, lang = picked
        action, form = ctx.form.get("action", ""), ctx.form
        values: dict[str, Any] = {"item_id": form.get("item_id", "")}
        if action in MOVES:
            action, values["delta"], values["shown"] = "move", MOVES[action], ctx.lists.get("shown", [])
        elif action == "words":
            prepared = await run_in_threadpool(prepare, home, book, theme, lang, room.options.now())
            intro = form.get("intro", "").replace("\r\n", "\n").strip()
            subject = form.get("subject", "").strip()
            # Left as the theme wrote them: not a choice of the team's, so a later edit of the theme still shows.
            values["intro"] = None if intro == prepared.theme.intro[lang] else intro
            values["subject"] = None if subject == prepared.default_subject else subject
        try:
            await run_in_threadpool(lambda: change_draft(home, theme, lang, action, ctx.user.name, **values))
        except VigieError as exc:
            return await issue_page(room, ctx, 400, str(exc))
        return back_to(issue_url(theme, lang), action)

    async def prepared_for(ctx: Ctx) -> tuple[ThemeBook, Prepared] | Response:
        """The issue the path names, with its draft, rendered; or the 404 page."""
        picked = chosen(room, ctx)
        if isinstance(picked, Response):
            return picked
        book, theme, lang = picked
        return book, await run_in_threadpool(prepare, home, book, theme, lang, room.options.now())

    async def preview(ctx: Ctx) -> Response:
        found = await prepared_for(ctx)
        if isinstance(found, Response):
            return found
        prepared, theme, lang = found[1], found[1].theme.id, found[1].issue.lang
        return user_page(
            room,
            ctx,
            "preview.html",
            theme=prepared.theme,
            lang=lang,
            url=issue_url(theme, lang),
            frame=f"{issue_url(theme, lang)}/email.html",
            rendered=prepared.rendered,
        )

    async def email(ctx: Ctx) -> Response:
        found = await prepared_for(ctx)
        return found if isinstance(found, Response) else email_response(found[1].rendered.html)

    async def export(ctx: Ctx) -> Response:
        fmt = ctx.request.path_params["fmt"]
        if fmt not in EXPORTS:
            return user_page(room, ctx, "missing.html", 404, what=fmt)
        found = await prepared_for(ctx)
        if isinstance(found, Response):
            return found
        book, prepared = found
        theme, lang = prepared.theme.id, prepared.issue.lang
        if fmt == "eml":  # the .eml a mailer imports, as `vigie newsletter` writes it
            body = to_bytes(prepared.message(book))
        else:
            body = (prepared.rendered.text if fmt == "txt" else prepared.rendered.html).encode()
        name = f"{theme}-{prepared.issue.now:%Y-%m-%d}-{lang}.{fmt}"
        headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
        return Response(body, media_type=EXPORTS[fmt], headers=headers)

    return [
        Route("/newsroom/", guarded(room, index)),
        Route("/newsroom/{theme}/{lang}", guarded(room, lambda ctx: issue_page(room, ctx))),
        Route("/newsroom/{theme}/{lang}/draft", guarded(room, draft), methods=["POST"]),
        Route("/newsroom/{theme}/{lang}/preview", guarded(room, preview)),
        Route("/newsroom/{theme}/{lang}/email.html", guarded(room, email)),
        Route("/newsroom/{theme}/{lang}/export.{fmt}", guarded(room, export)),
    ]


def email_response(html: str) -> Response:
    """An e-mail's HTML for a preview frame, allowed nothing but its own styles and images."""
    return HTMLResponse(
        html, headers={**HEADERS, "Content-Security-Policy": EMAIL_CSP, "X-Frame-Options": "SAMEORIGIN"}
    )
