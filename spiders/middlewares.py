"""Downloader middlewares."""

from __future__ import annotations

import asyncio
import email.utils
import time
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message


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
