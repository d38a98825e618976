"""The e-mail itself: a multipart/alternative message (text + HTML, UTF-8), and sending it over SMTP.

SMTP settings come only from the environment (SPEC §6), the password included, so it never lands in a file
of the repository or of $VIGIE_HOME:
    VIGIE_SMTP_HOST      server name (required)
    VIGIE_SMTP_PORT      default 587 for starttls, 465 for ssl, 25 for none
    VIGIE_SMTP_USER      login; when set, VIGIE_SMTP_PASSWORD is required
    VIGIE_SMTP_PASSWORD  password
    VIGIE_SMTP_FROM      sender address, e.g. "Smart — Vigie <vigie@example.org>" (required)
    VIGIE_SMTP_TLS       starttls (default) | ssl | none
"""

from __future__ import annotations

import copy
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr

from vigie.core.errors import MailError

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
MSGID_DOMAIN = "vigie.smartbe.be"
TIMEOUT_S = 30


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    tls: str
    user: str | None
    password: str | None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpSettings:
        env = os.environ if environ is None else environ

        def value(name: str) -> str | None:
            text = (env.get(name) or "").strip()
            return text or None

        host = value("VIGIE_SMTP_HOST")
        if not host:
            raise MailError("VIGIE_SMTP_HOST is not set: the SMTP server to send through")
        sender = value("VIGIE_SMTP_FROM")
        if not sender:
            raise MailError("VIGIE_SMTP_FROM is not set: the sender address, e.g. vigie@example.org")
        if "@" not in parseaddr(sender)[1]:
            raise MailError(f"VIGIE_SMTP_FROM: {sender!r} is not an e-mail address")
        tls = (value("VIGIE_SMTP_TLS") or "starttls").lower()
        if tls not in TLS_MODES:
            raise MailError(f"VIGIE_SMTP_TLS: {tls!r} is not one of {', '.join(TLS_MODES)}")
        port_text = value("VIGIE_SMTP_PORT")
        try:
            port = int(port_text) if port_text else DEFAULT_PORTS[tls]
        except ValueError:
            raise MailError(f"VIGIE_SMTP_PORT: {port_text!r} is not a port number") from None
        if not 0 < port < 65536:
            raise MailError(f"VIGIE_SMTP_PORT: {port} is not a port number")
        user = value("VIGIE_SMTP_USER")
        password = env.get("VIGIE_SMTP_PASSWORD") or None
        if user and not password:
            raise MailError("VIGIE_SMTP_PASSWORD is not set (needed because VIGIE_SMTP_USER is)")
        return cls(host=host, port=port, sender=sender, tls=tls, user=user, password=password)


def is_real_link(url: str) -> bool:
    """A link a mail client can use in List-Unsubscribe, rather than a mailer's placeholder."""
    return url.startswith(("https://", "http://", "mailto:"))


def build_message(
    *,
    subject: str,
    text: str,
    html: str,
    date: datetime,
    sender: str | None = None,
    to: list[str] | None = None,
    unsubscribe_url: str | None = None,
    lang: str | None = None,
) -> EmailMessage:
    """A multipart/alternative message: the text part first, the HTML last (the one clients prefer).

    List-Unsubscribe carries the configured value even when it is a placeholder: a mailer that imports the
    .eml replaces it in the headers as in the body. `send` drops it when it is not a real link."""
    msg = EmailMessage()
    msg["Subject"] = subject
    if sender:
        msg["From"] = sender
    if to:
        msg["To"] = ", ".join(to)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = make_msgid(domain=MSGID_DOMAIN)
    if unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        if unsubscribe_url.startswith("https://"):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    if lang:  # after the parts: set_content drops every Content-* header
        msg["Content-Language"] = lang
    return msg


def to_bytes(msg: EmailMessage) -> bytes:
    """The .eml form: CRLF line ends, as mailers expect when they import a file."""
    return msg.as_bytes(policy=SMTP)


def send(
    message: EmailMessage,
    to: list[str],
    settings: SmtpSettings | None = None,
    *,
    context: ssl.SSLContext | None = None,
) -> None:
    """Deliver `message` to `to` over SMTP. Raises MailError with one line when anything goes wrong.

    `context` lets a caller trust a private CA (tests use a self-signed certificate); by default the system's
    trusted certificates are checked, host name included."""
    if not to:
        raise MailError("no recipient: give at least one --to address")
    for address in to:
        if "@" not in parseaddr(address)[1]:
            raise MailError(f"--to: {address!r} is not an e-mail address")
    settings = settings or SmtpSettings.from_env()
    msg = _prepared(message, settings, to)
    context = context or ssl.create_default_context()
    where = f"SMTP server {settings.host}:{settings.port}"
    try:
        if settings.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=TIMEOUT_S, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
        with client:
            client.ehlo()
            if settings.tls == "starttls":
                if not client.has_extn("starttls"):
                    raise MailError(f"{where} does not offer STARTTLS (set VIGIE_SMTP_TLS=ssl or none)")
                client.starttls(context=context)
                client.ehlo()
            if settings.user:
                client.login(settings.user, settings.password or "")
            refused = client.send_message(msg, from_addr=parseaddr(settings.sender)[1], to_addrs=to)
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"{where} refused the login of VIGIE_SMTP_USER ({exc.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"{where} refused every recipient: {', '.join(exc.recipients)}") from None
    except smtplib.SMTPException as exc:
        raise MailError(f"{where}: {type(exc).__name__}: {_one_line(exc)}") from None
    except ssl.SSLError as exc:
        raise MailError(f"{where}: TLS failed ({exc.reason or exc})") from None
    except OSError as exc:
        raise MailError(f"{where} could not be reached: {exc.strerror or exc}") from None
    if refused:
        raise MailError(f"{where} refused {', '.join(sorted(refused))} (the others were sent)")


def _prepared(message: EmailMessage, settings: SmtpSettings, to: list[str]) -> EmailMessage:
    msg = copy.deepcopy(message)
    for key in ("From", "To", "Bcc"):
        del msg[key]
    msg["From"] = settings.sender
    # Every recipient sees only themselves when the list is long (a members' list is not for sharing).
    msg["To"] = to[0] if len(to) == 1 else "undisclosed-recipients:;"
    unsubscribe = msg.get("List-Unsubscribe", "")
    if unsubscribe and not is_real_link(unsubscribe.strip("<>")):
        del msg["List-Unsubscribe"]
        del msg["List-Unsubscribe-Post"]
    return msg


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]
