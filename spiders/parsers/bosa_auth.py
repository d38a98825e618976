"""Credentials for the Belgian e-Procurement API (OAuth2 client credentials issued by BOSA on request).

Pure functions: the spider reads the credentials with `credentials_from_env()`, sends the request built by
`token_request()`, reads the answer with `read_token()` and sends `Authorization: Bearer <token>` on each search.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from spiders.parsers import _json
from vigie.core.errors import MissingCredentialsError, ParseError

ENV_CLIENT_ID = "VIGIE_BOSA_CLIENT_ID"
ENV_CLIENT_SECRET = "VIGIE_BOSA_CLIENT_SECRET"
ENV_TOKEN_URL = "VIGIE_BOSA_TOKEN_URL"

# Production token endpoint of the federal services gateway; the integration one is public.int.fedservices.be.
DEFAULT_TOKEN_URL = "https://public.pr.fedservices.be/api/oauth2/token"
SEARCH_URL = "https://public.pr.fedservices.be/api/eProcurementSea/v1/search/publications"


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str = field(repr=False)  # never printed in logs or tracebacks
    token_url: str = DEFAULT_TOKEN_URL


def credentials_from_env(environ: Mapping[str, str] | None = None) -> Credentials:
    """The client credentials from the environment, or MissingCredentialsError naming what to set."""
    env = os.environ if environ is None else environ
    client_id = (env.get(ENV_CLIENT_ID) or "").strip()
    client_secret = (env.get(ENV_CLIENT_SECRET) or "").strip()
    missing = [
        name for name, value in ((ENV_CLIENT_ID, client_id), (ENV_CLIENT_SECRET, client_secret)) if not value
    ]
    if missing:
        raise MissingCredentialsError(
            f"Belgian e-Procurement API needs client credentials: set {' and '.join(missing)} "
            f"(optional {ENV_TOKEN_URL}, default {DEFAULT_TOKEN_URL}); BOSA issues them on request"
        )
    token_url = (env.get(ENV_TOKEN_URL) or "").strip() or DEFAULT_TOKEN_URL
    return Credentials(client_id, client_secret, token_url)


def token_request(credentials: Credentials | None = None) -> tuple[str, dict[str, str], bytes]:
    """(url, headers, body) of the OAuth2 client-credentials token request (RFC 6749 §4.4, credentials in the body
    as the gateway expects). Without credentials they are read from the environment (MissingCredentialsError)."""
    if credentials is None:
        credentials = credentials_from_env()
    body = urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
        }
    ).encode("ascii")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    return credentials.token_url, headers, body


def read_token(body: bytes) -> tuple[str, int]:
    """(access token, lifetime in seconds) from the token endpoint's answer, or ParseError with its reason."""
    doc = _json.load(body, "e-Procurement token response")
    if not isinstance(doc, dict):
        raise ParseError("e-Procurement token response: expected a JSON object")
    if doc.get("error"):
        reason = doc.get("error_description") or doc["error"]
        raise ParseError(f"e-Procurement token request refused: {reason}")
    token = doc.get("access_token")
    if not isinstance(token, str) or not token:
        raise ParseError("e-Procurement token response: no access_token")
    try:
        lifetime = int(doc.get("expires_in") or 0)
    except (TypeError, ValueError):
        lifetime = 0
    return token, lifetime
