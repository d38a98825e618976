"""Where a feed lives: one canonical URL per filter, and the subscribe page beside it."""

from __future__ import annotations

from urllib.parse import urlencode

from warehouse.filters import Filter


def feed_url(base_url: str, fmt: str, flt: Filter, lang: str | None = None) -> str:
    """The canonical URL of a feed (sorted parameters, so one filter has one URL)."""
    params = sorted(flt.to_params().items())
    if lang:
        params.append(("hl", lang))
    query = urlencode(params, safe=",")
    return f"{base_url.rstrip('/')}/feeds/{fmt}" + (f"?{query}" if query else "")


def home_page(self_url: str) -> str:
    """The subscribe page of the service that serves the feed at `self_url`."""
    return self_url.split("/feeds/")[0] + "/"
