"""Error lines a person reads: the connection errors of the HTTP client, as Scrapy wraps them, become one
sentence naming the host and the reason, never an object's repr (`ssl:<ssl.SSLContext object at 0x…>`)."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest
from factories import LoopbackHandler, loopback_server
from scrapy.exceptions import DownloadConnectionRefusedError

from vigie.core.reasons import describe


def failure(url: str) -> BaseException:
    """The exception Scrapy's aiohttp handler raises for `url`: its own, wrapping aiohttp's."""

    async def get() -> None:
        async with aiohttp.ClientSession() as session, session.get(url):
            pass

    try:
        try:
            asyncio.run(get())
        except aiohttp.ClientError as exc:
            raise DownloadConnectionRefusedError(str(exc)) from exc
    except DownloadConnectionRefusedError as exc:
        return exc
    pytest.fail(f"{url} answered")


def test_https_to_a_plain_http_server_names_the_tls_failure() -> None:
    with loopback_server(LoopbackHandler) as base:
        port = base.rsplit(":", 1)[1]
        exc = failure(f"https://127.0.0.1:{port}/")
    assert describe(exc) == f"cannot connect to 127.0.0.1:{port}: TLS handshake failed (wrong version number)"


def test_a_closed_port_is_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert (
        describe(failure(f"http://127.0.0.1:{port}/"))
        == f"cannot connect to 127.0.0.1:{port}: connection refused"
    )


def test_an_object_repr_is_dropped_from_any_message() -> None:
    exc = RuntimeError("handshake with ssl:<ssl.SSLContext object at 0x7f7413> failed")
    assert describe(exc) == "handshake with failed"


def test_an_exception_without_message_is_named_in_words() -> None:
    assert describe(ConnectionResetError()) == "connection reset error"
