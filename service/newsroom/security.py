"""Sessions, CSRF tokens and the login rate limit of the newsroom.

- The session is a cookie signed with itsdangerous (HMAC-SHA1 over a key of 256 random bits), HttpOnly,
  SameSite=Lax, Secure when the request came over https, valid SESSION_HOURS. It carries the user's name, a
  session id and the session's CSRF token. Logging out revokes the session id on the server (kept in
  $VIGIE_HOME/newsroom/revoked.json until it would have expired anyway), so a copied cookie stops working too;
  removing a user ends their sessions at their next request.
- The key comes from VIGIE_SESSION_KEY, else from $VIGIE_HOME/newsroom/session.key, generated once (0600).
- CSRF: every form carries the session's token in a hidden field `csrf_token`; a state-changing request is
  refused unless it matches (hmac.compare_digest). The login form, before any session, uses the same check
  against a short-lived signed cookie of its own (double submit).
- Login attempts: at most MAX_FAILURES failures per client address in FAILURE_WINDOW_S; beyond, 429.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from vigie.core.paths import newsroom_dir

SESSION_COOKIE = "vigie_newsroom"
LOGIN_COOKIE = "vigie_newsroom_login"
SESSION_HOURS = 12
LOGIN_FORM_S = 3600
MAX_FAILURES = 10
FAILURE_WINDOW_S = 600


def session_key(home: Path) -> str:
    """VIGIE_SESSION_KEY, or the key generated once under $VIGIE_HOME (never in the repository)."""
    configured = (os.environ.get("VIGIE_SESSION_KEY") or "").strip()
    if configured:
        return configured
    path = newsroom_dir(home) / "session.key"
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process wrote it first: use theirs
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(32))
    return path.read_text(encoding="ascii").strip()


@dataclass(frozen=True)
class Session:
    user: str
    sid: str
    csrf: str


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


class Sessions:
    """Issues and checks session cookies and login-form tokens."""

    def __init__(self, home: Path) -> None:
        key = session_key(home)
        self._session = URLSafeTimedSerializer(key, salt="vigie-newsroom-session")
        self._login = URLSafeTimedSerializer(key, salt="vigie-newsroom-login")
        self._revoked_path = newsroom_dir(home) / "revoked.json"
        self._lock = threading.Lock()

    def new(self, user: str) -> tuple[Session, str]:
        session = Session(user, secrets.token_urlsafe(16), secrets.token_urlsafe(32))
        return session, self._session.dumps({"u": session.user, "s": session.sid, "c": session.csrf})

    def read(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            data = self._session.loads(cookie, max_age=SESSION_HOURS * 3600)
        except BadSignature:  # also raised for an expired signature
            return None
        if not isinstance(data, dict) or not {"u", "s", "c"} <= set(data):
            return None
        if data["s"] in self._revoked():
            return None
        return Session(str(data["u"]), str(data["s"]), str(data["c"]))

    def revoke(self, session: Session) -> None:
        with self._lock:
            revoked = self._revoked()
            now = time.time()
            revoked[session.sid] = now + SESSION_HOURS * 3600
            kept = {sid: until for sid, until in revoked.items() if until > now}
            self._revoked_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._revoked_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(kept), encoding="utf-8")
            os.replace(tmp, self._revoked_path)

    def _revoked(self) -> dict[str, float]:
        try:
            return json.loads(self._revoked_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def login_token(self) -> tuple[str, str]:
        """A token for the login form and the signed cookie that must come back with it."""
        token = secrets.token_urlsafe(32)
        return token, self._login.dumps(token)

    def login_token_ok(self, cookie: str | None, given: str | None) -> bool:
        if not cookie:
            return False
        try:
            expected = self._login.loads(cookie, max_age=LOGIN_FORM_S)
        except BadSignature:
            return False
        return isinstance(expected, str) and same_token(given, expected)


@dataclass
class LoginLimiter:
    """Failed logins per client address over a sliding window (in memory: a restart forgets them)."""

    max_failures: int = MAX_FAILURES
    window_s: float = FAILURE_WINDOW_S
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._failures.setdefault(address, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def blocked(self, address: str) -> bool:
        with self._lock:
            return len(self._recent(address, time.monotonic())) >= self.max_failures

    def failed(self, address: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(address, now).append(now)
            if len(self._failures) > 10_000:  # bound memory under a spray of addresses
                for key in [k for k, v in self._failures.items() if not v][:5000]:
                    del self._failures[key]
