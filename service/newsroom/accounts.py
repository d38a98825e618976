"""The comms team's accounts for the newsroom: name, e-mail address and an argon2id password hash, in
$VIGIE_HOME/newsroom/accounts.json (readable by its owner only). `vigie users add|list|remove` edit it.

Only the hash is kept (argon2-cffi's defaults, RFC 9106's low-memory profile), salted per account; a hash made
with older parameters is replaced at the next successful login.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from vigie.core.errors import AccountError
from vigie.core.paths import newsroom_dir

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
MIN_PASSWORD = 10
_HASHER = PasswordHasher()
_LOCK = threading.Lock()
# Checked when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("vigie-no-such-account")


@dataclass(frozen=True)
class Account:
    name: str
    email: str
    created_at: str


def accounts_path(home: Path) -> Path:
    return newsroom_dir(home) / "accounts.json"


def _read(home: Path) -> dict[str, dict[str, str]]:
    path = accounts_path(home)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise AccountError(f"{path}: not readable as JSON ({exc})") from None
    if not isinstance(data, dict):
        raise AccountError(f"{path}: expected an object of accounts")
    return data


def _write(home: Path, data: dict[str, dict[str, str]]) -> None:
    path = accounts_path(home)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")  # created 0600
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
    os.replace(tmp, path)


def add_user(home: Path, name: str, email: str, password: str) -> Account:
    """A new account; AccountError when the name, address or password is not acceptable or the name is taken."""
    if not NAME.match(name):
        raise AccountError(
            f"user name {name[:60]!r}: use 1 to 40 lower-case letters, digits, dots, dashes or underscores"
        )
    address = parseaddr(email)[1]
    if "@" not in address or address != email.strip():
        raise AccountError(f"--email: {email[:80]!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password of {name} should have at least {MIN_PASSWORD} characters")
    with _LOCK:
        data = _read(home)
        if name in data:
            raise AccountError(f"user {name} already exists (remove it first to change it)")
        created = datetime.now(UTC).isoformat(timespec="seconds")
        data[name] = {"email": address, "hash": _HASHER.hash(password), "created_at": created}
        _write(home, data)
    return Account(name, address, created)


def remove_user(home: Path, name: str) -> None:
    with _LOCK:
        data = _read(home)
        if name not in data:
            raise AccountError(f"no user {name[:60]!r} (see `vigie users list`)")
        del data[name]
        _write(home, data)


def list_users(home: Path) -> list[Account]:
    return [Account(n, v["email"], v.get("created_at", "")) for n, v in sorted(_read(home).items())]


def find_user(home: Path, name: str) -> Account | None:
    entry = _read(home).get(name)
    return Account(name, entry["email"], entry.get("created_at", "")) if entry else None


def check_password(home: Path, name: str, password: str) -> Account | None:
    """The account when the password is right, else None (same work whether the name exists or not)."""
    entry = _read(home).get(name)
    stored = entry["hash"] if entry else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if entry is None:
        return None
    if _HASHER.check_needs_rehash(stored):
        with _LOCK:
            data = _read(home)
            if name in data:
                data[name]["hash"] = _HASHER.hash(password)
                _write(home, data)
    return Account(name, entry["email"], entry.get("created_at", ""))
