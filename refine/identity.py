"""Identity: a stable `id` per source record, and a content hash for change detection.

`id` is "{source}:{native_id}". Only where a source gives no identifier is `native_id` derived, from the
canonical URL (tracking parameters, fragment and host case removed, query sorted), so the same page always gets
the same id. Mutable facts (status, deadline, title) are never part of the key: a postponed deadline updates
the item instead of creating a new one.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that say who sent the visitor, never which page it is.
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "_hs")
_TRACKING_PARAMS = frozenset(
    [
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "s_cid",
        "vero_id",
        "wickedid",
        "ref_src",
        "spm",
        "xtor",
        "at_medium",
        "at_campaign",
        "phpsessid",
        "jsessionid",
        "sid",
        "sessionid",
    ]
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}
NATIVE_HASH_CHARS = 16


# An address that is already canonical, as most are: lower-case http(s) scheme and host (no port, user, trailing
# dot), no query, no fragment, no tab or newline (urlsplit would drop them). It only gains a "/" when it has no
# path; urlsplit + urlunsplit give exactly that, ten times slower.
_ALREADY_CANONICAL = re.compile(r"https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(/[^?#\t\r\n]*)?")


def canonical_url(url: str) -> str:
    """The URL a page is known by: lower-case scheme and host, no default port, no fragment, no tracking
    parameters, query sorted. Returns '' for an empty or unparsable URL."""
    url = (url or "").strip()
    if not url:
        return ""
    return _canonical(url)


def _canonical_text(url: str) -> str:
    fast = _ALREADY_CANONICAL.fullmatch(url)
    if fast is not None:
        return url if fast[1] else url + "/"
    return _canonical_general(url)


# An item asks twice (its id, its match keys), and a source's items often share a page. Not for identifiers
# (native_id_for): each is one item's own, so remembering them would only push the shared pages out.
_canonical = lru_cache(maxsize=8192)(_canonical_text)


def _canonical_general(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    # hostname leaves out any user:password@, which never identifies a page and must not be stored.
    host = (parts.hostname or "").lower().rstrip(".")
    netloc = host
    if port is not None and _DEFAULT_PORTS.get(scheme) != str(port):
        netloc = f"{host}:{port}"
    query = _canonical_query(parts.query) if parts.query else ""
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


# A query of plain name=value pairs: characters that percent-decoding leaves alone and quoting never escapes,
# at most one "=" per pair. For those, splitting on "&" and "=" gives what parse_qsl and urlencode give, three
# times faster.
_PLAIN_QUERY = re.compile(
    r"[A-Za-z0-9._~-]*(?:=[A-Za-z0-9._~-]*)?(?:&[A-Za-z0-9._~-]*(?:=[A-Za-z0-9._~-]*)?)*"
)


def _canonical_query(query: str) -> str:
    """The query without tracking parameters, sorted."""
    if _PLAIN_QUERY.fullmatch(query) is not None:
        pairs = [(key, value) for key, _, value in (part.partition("=") for part in query.split("&") if part)]
        return "&".join(f"{key}={value}" for key, value in sorted(filter(_kept, pairs)))
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(sorted(filter(_kept, pairs)), doseq=True)


def _kept(pair: tuple[str, str]) -> bool:
    key = pair[0].lower()
    return key not in _TRACKING_PARAMS and not key.startswith(_TRACKING_PREFIXES)


def url_native_id(url: str) -> str:
    """A short, stable identifier for a source that has none: a hash of the canonical URL."""
    canonical = canonical_url(url)
    if not canonical:
        return ""
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=8).hexdigest()[:NATIVE_HASH_CHARS]


def native_id_for(native_id: object, url: str | None) -> str:
    text = str(native_id).strip() if native_id is not None else ""
    if text.startswith(("http://", "https://")):
        # A page address used as identifier: the same page with other tracking parameters is the same item.
        # The fragment stays: "page#event-1" and "page#event-2" are two events of one page.
        _, _, fragment = text.partition("#")
        return _canonical_text(text) + (f"#{fragment}" if fragment else "")
    return text or url_native_id(url or "")


def item_id(source: str, native_id: str) -> str:
    return f"{source}:{native_id}"


# Every field a reader would notice if it changed. cluster_id is left out: it depends on other items, and a
# new duplicate elsewhere must not count as a change of this one.
HASHED_FIELDS = (
    "kind",
    "url",
    "title",
    "summary",
    "language",
    "texts",
    "published_at",
    "deadline_at",
    "deadline_precision",
    "starts_at",
    "ends_at",
    "organiser",
    "country",
    "regions",
    "scope",
    "location",
    "cpv",
    "sectors",
    "status",
    "budget_amount",
    "budget_currency",
    "flags",
)


def content_hash(item: dict[str, Any]) -> str:
    """A 128-bit hex digest of the fields that matter for change detection; equal items hash equal."""
    payload = json.dumps(
        [item.get(name) for name in HASHED_FIELDS],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()
