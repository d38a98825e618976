"""Downloader middlewares: the network policy on every request, retries with backoff, redirects that name a loop."""

from __future__ import annotations

import asyncio
import email.utils
import time
from typing import Any

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message

from spiders.netpolicy import Policy
from vigie.core.errors import FetchRefusedError


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), None when absent or bad."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now or time.time()))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, but waiting before each retry: Retry-After when the server gives one (capped), else an
    exponential backoff — a struggling portal should not get the same request again at once."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("VIGIE_RETRY_BACKOFF_BASE", 2.0)
        self.retry_after_max = settings.getfloat("VIGIE_RETRY_AFTER_MAX", 120.0)

    def _delay(self, request: Request, response: Response | None) -> float:
        if response is not None:
            told = retry_after_seconds(response.headers.get(b"Retry-After"))
            if told is not None:
                return min(told, self.retry_after_max)
        return self.backoff_base * 2 ** request.meta.get("retry_times", 0)

    async def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(self._delay(request, response))
        return retry

    async def process_exception(
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self._delay(request, None))
        return retry


class NetworkPolicyMiddleware:
    """Refuses, before any connection, a request the network policy forbids (spiders.netpolicy); the errback
    gets a one-line reason. Redirect targets and robots.txt come through here too."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler: Any) -> NetworkPolicyMiddleware:
        return cls(Policy.from_settings(crawler.settings.getlist("VIGIE_ALLOW_NETWORKS")))

    async def process_request(self, request: Request, spider: Any = None) -> None:
        try:
            await self.policy.check(request.url)
        except FetchRefusedError as exc:
            raise IgnoreRequest(f"refused by the network policy: {exc}") from None


def _short(url: str, limit: int = 80) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"


class NamedRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects, saying what went wrong: a chain that comes back to a URL is a redirect loop (Scrapy
    would hand the repeated URL to its duplicate filter, which drops it silently: an "empty source"), and a
    chain longer than REDIRECT_MAX_TIMES says so."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            loop = " -> ".join(_short(u) for u in [*chain[chain.index(redirected.url) :], redirected.url])
            raise IgnoreRequest(f"redirect loop ({loop})")
        if request.meta.get("redirect_times", 0) >= self.max_redirect_times:
            raise IgnoreRequest(
                f"more than {self.max_redirect_times} redirects (the last to {_short(redirected.url)})"
            )
        return super()._redirect(redirected, request, reason)
