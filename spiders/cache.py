"""HTTP cache policy: RFC 2616 revalidation, including for responses marked ``Cache-Control: no-cache``, and
robots.txt reused for up to a day as RFC 9309 allows."""

from __future__ import annotations

from time import time
from urllib.parse import urlsplit

from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings


class RevalidatingPolicy(RFC2616Policy):
    """Scrapy's policy treats ``no-cache`` as "always download again" and sends no validators, yet RFC 9111
    §5.2.2.4 says no-cache means "revalidate before use". Many publishers' feeds say no-cache while sending an
    ETag, so without this each run downloaded their whole feed; with it they answer 304.

    robots.txt is asked for at the start of every crawl; RFC 9309 §2.4 lets a crawler keep it for 24 hours,
    which saves a round trip before the first real request of each source."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.robots_max_age = settings.getfloat("VIGIE_ROBOTSTXT_MAX_AGE", 86400.0)

    def should_cache_response(self, response: Response, request: Request) -> bool:
        # A robots.txt without validators or expiry would otherwise never be kept (4xx means "no rules").
        if _is_robots(request) and response.status < 500:
            return True
        return super().should_cache_response(response, request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        if (
            _is_robots(request)
            and cachedresponse.status < 500
            and b"Date" in cachedresponse.headers  # without it the age would read as zero, forever
            and self._compute_current_age(cachedresponse, request, time()) < self.robots_max_age
        ):
            return True
        fresh = super().is_cached_response_fresh(cachedresponse, request)
        if not fresh:
            self._set_conditional_validators(request, cachedresponse)
        return fresh


def _is_robots(request: Request) -> bool:
    return urlsplit(request.url).path == "/robots.txt"
