"""HTTP cache policy: RFC 2616 revalidation, including for responses marked ``Cache-Control: no-cache``."""

from __future__ import annotations

from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response


class RevalidatingPolicy(RFC2616Policy):
    """Scrapy's policy treats ``no-cache`` as "always download again" and sends no validators, yet RFC 9111
    §5.2.2.4 says no-cache means "revalidate before use". Many publishers' feeds say no-cache while sending an
    ETag, so without this each run downloaded their whole feed; with it they answer 304."""

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        fresh = super().is_cached_response_fresh(cachedresponse, request)
        if not fresh:
            self._set_conditional_validators(request, cachedresponse)
        return fresh
