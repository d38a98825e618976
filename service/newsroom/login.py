"""`/newsroom/login` (GET the form, POST `username`, `password`, `csrf_token`) and `/newsroom/logout` (POST)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from service.newsroom.accounts import check_password
from service.newsroom.security import LOGIN_COOKIE, LOGIN_FORM_S, SESSION_COOKIE, SESSION_HOURS
from service.newsroom.web import HEADERS, Ctx, Newsroom, guarded, interface_lang, page, read_form, safe_next


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def login_form(room: Newsroom, request: Request, status: int = 200, error: str | None = None) -> Response:
    hl = interface_lang(request)
    token, cookie = room.sessions.login_token()
    response = page(
        room,
        request,
        "login.html",
        hl,
        status,
        csrf=token,
        error=error,
        next=safe_next(request.query_params.get("next")),
    )
    response.set_cookie(
        LOGIN_COOKIE,
        cookie,
        max_age=LOGIN_FORM_S,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/newsroom/login",
    )
    return response


def routes(room: Newsroom) -> list[Route]:
    async def show(request: Request) -> Response:
        return login_form(room, request)

    async def submit(request: Request) -> Response:
        address = request.client.host if request.client else "unknown"
        if room.limiter.blocked(address):
            return login_form(room, request, 429, "too_many")
        form = await read_form(request) or {}
        values = {k: v[-1] for k, v in form.items()}
        if not room.sessions.login_token_ok(request.cookies.get(LOGIN_COOKIE), values.get("csrf_token")):
            return login_form(room, request, 403, "expired")
        account = await run_in_threadpool(
            check_password, room.home, values.get("username", "").strip(), values.get("password", "")
        )
        if account is None:
            room.limiter.failed(address)
            return login_form(room, request, 401, "wrong")
        _, cookie = room.sessions.new(account.name)
        response = RedirectResponse(safe_next(values.get("next")), status_code=303, headers=HEADERS)
        response.set_cookie(
            SESSION_COOKIE,
            cookie,
            max_age=SESSION_HOURS * 3600,
            httponly=True,
            samesite="lax",
            secure=_secure(request),
            path="/newsroom",
        )
        response.delete_cookie(LOGIN_COOKIE, path="/newsroom/login")
        return response

    async def logout(ctx: Ctx) -> Response:
        room.sessions.revoke(ctx.session)
        response = RedirectResponse("/newsroom/login", status_code=303, headers=HEADERS)
        response.delete_cookie(SESSION_COOKIE, path="/newsroom")
        return response

    return [
        Route("/newsroom/login", show, methods=["GET"]),
        Route("/newsroom/login", submit, methods=["POST"]),
        Route("/newsroom/logout", guarded(room, logout), methods=["POST"]),
    ]
