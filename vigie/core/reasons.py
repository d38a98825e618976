"""One readable sentence for any exception, for run summaries and one-line CLI errors.

Library exceptions were written for programmers: aiohttp's connection errors print the SSL context object
(`ssl:<ssl.SSLContext object at 0x…>`) and the raw socket call; Scrapy wraps them again. A person needs the
host and the reason the operating system or the TLS library gave, and nothing else.
"""

from __future__ import annotations

import os
import re
import ssl

_REPR = re.compile(r"\s*(?:\w+:)?<[\w.]+ object at 0x[0-9a-fA-F]+>")
_SSL_NOISE = re.compile(r"^\[[A-Z0-9_]+: [A-Z0-9_]+\]\s*|\s*\(_ssl\.c:\d+\)$")
_MAX = 300


def describe(exc: BaseException) -> str:
    """The exception (or the connection error it wraps) as one line a person can act on."""
    for cause in _chain(exc):
        host = getattr(cause, "host", None)
        low = getattr(cause, "certificate_error", None) or getattr(cause, "os_error", None)
        if host and isinstance(low, OSError):
            where = f"{host}:{cause.port}" if getattr(cause, "port", None) else str(host)
            return f"cannot connect to {where}: {_os_reason(low)}"[:_MAX]
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = _REPR.sub("", text).strip()
    return (text or _words(type(exc).__name__))[:_MAX]


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found and len(found) < 6:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _os_reason(error: OSError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate not accepted ({error.verify_message or error.reason})"
    if isinstance(error, ssl.SSLError):
        message = _SSL_NOISE.sub("", str(error.args[1] if len(error.args) > 1 else error)).strip()
        return f"TLS handshake failed ({message or error.reason})"
    if isinstance(error.errno, int) and error.errno > 0:
        return os.strerror(error.errno).lower()
    return (error.strerror or _words(type(error).__name__)).lower()


def _words(name: str) -> str:
    """`ConnectionResetError` -> `connection reset error`: a class name is all some exceptions carry."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
