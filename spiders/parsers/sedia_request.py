"""Requests to the SEDIA search API (pure: the spider sends them) and the one reading of a response the paging
needs: (URL, form parts) of a search page, its multipart/form-data body, and the total number of results."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from spiders.parsers import _json
from vigie.core.errors import ParseError

SEARCH_URL = "https://api.tech.ec.europa.eu/search-api/prod/rest/search"


# What the portal's "calls for proposals" and "calls for tenders" pages ask for: grants, tenders, cascade
# funding, forthcoming or open, newest opening first.
DEFAULT_QUERY: dict[str, Any] = {
    "bool": {
        "must": [
            {"terms": {"type": ["1", "2", "8"]}},
            {"terms": {"status": ["31094501", "31094502"]}},
        ]
    }
}


DEFAULT_SORT = {"field": "sortStatus", "order": "ASC"}


def build_search_request(
    text: str,
    query: dict | None,
    page: int,
    page_size: int,
    languages: tuple[str, ...] = ("en",),
    sort: dict | None = None,
    search_url: str = SEARCH_URL,
) -> tuple[str, dict]:
    """(URL, form parts) of one search page. Each form part is a JSON string to send as an application/json part
    of a multipart/form-data body (see encode_multipart); `page` counts from 1 like the API's pageNumber."""
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size start at 1")
    params = {"apiKey": "SEDIA", "text": text or "***", "pageSize": page_size, "pageNumber": page}
    parts = {
        "query": json.dumps(DEFAULT_QUERY if query is None else query, separators=(",", ":")),
        "languages": json.dumps(list(languages)),
        "sort": json.dumps(sort or DEFAULT_SORT, separators=(",", ":")),
    }
    sep = "&" if "?" in search_url else "?"
    return f"{search_url}{sep}{urlencode(params)}", parts


def encode_multipart(parts: Mapping[str, str], boundary: str = "vigie-sedia-form") -> tuple[bytes, str]:
    """(body, Content-Type header) of a multipart/form-data request whose parts are JSON, as the portal sends."""
    lines: list[str] = []
    for name, value in parts.items():
        lines += [
            f"--{boundary}",
            f'Content-Disposition: form-data; name="{name}"; filename="blob"',
            "Content-Type: application/json",
            "",
            value,
        ]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("utf-8"), f"multipart/form-data; boundary={boundary}"


def total_results(body: bytes) -> int:
    """The number of results the query matches (to know how many pages to ask for)."""
    doc = _json.load(body, "SEDIA response")
    if not isinstance(doc, dict) or not isinstance(doc.get("totalResults"), int):
        raise ParseError("SEDIA response: no integer 'totalResults', not a search API response")
    return doc["totalResults"]
