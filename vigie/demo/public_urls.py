"""The demo's documents under their real public addresses: a Scrapy downloader middleware, enabled by the demo
registry, that gives each response from the demo server the address of vigie/demo/public_urls.toml before it
is parsed. Links in items and feeds then point at the real page, and ids that a parser derives from a page
address are the same whatever host or port the demo server got."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

MAPPING = Path(__file__).resolve().parent / "public_urls.toml"


@cache
def public_urls(path: Path = MAPPING) -> dict[str, str]:
    """Site-relative file path -> its public address."""
    with path.open("rb") as fh:
        return dict(tomllib.load(fh)["documents"])


def public_url(served: str) -> str | None:
    """The public address of a document served by the demo (`http://127.0.0.1:PORT/folder/file`), if known."""
    parts = urlsplit(served)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        return None
    return public_urls().get(unquote(parts.path).lstrip("/"))


class PublicUrlMiddleware:
    """Only responses to requests for a mapped file change; robots.txt and anything else pass as they are."""

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        real = public_url(response.url)
        return response.replace(url=real) if real else response
