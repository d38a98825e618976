"""The .eml parses back into text + HTML; SMTP settings errors name the variable; real delivery to aiosmtpd
on 127.0.0.1, plain with AUTH and STARTTLS with AUTH required over TLS (self-signed certificate)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from email import message_from_bytes, policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from factories import make_item

from newsletters.issue import plan_issue
from newsletters.mail import SmtpSettings, build_message, send, to_bytes
from newsletters.render import render_issue
from newsletters.themes import load_themes
from vigie.core.errors import MailError

NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


def _rendered(lang="nl"):
    book = load_themes(environ={"VIGIE_UNSUBSCRIBE_URL": "https://smart.example/unsubscribe?u=1"})
    items = [
        make_item(
            1,
            texts={"nl": {"title": "Oproep podiumkunsten", "summary": "Voor gezelschappen."}},
            title="Appel arts de la scène",
        )
    ]
    issue = plan_issue(book.get("digest"), lang, items, [], NOW)
    return book, render_issue(issue, book.settings)


def _message(to=None):
    book, r = _rendered()
    return build_message(
        subject=r.subject,
        text=r.text,
        html=r.html,
        date=NOW,
        sender="Vigie <vigie@smart.example>",
        to=to,
        unsubscribe_url=book.settings.unsubscribe_url,
        lang="nl",
    ), r


def test_eml_parses_back_into_text_and_html(tmp_path: Path):
    msg, r = _message(to=["comms@smart.example"])
    path = tmp_path / "issue.eml"
    path.write_bytes(to_bytes(msg))
    back = BytesParser(policy=policy.default).parse(path.open("rb"))
    assert back.get_content_type() == "multipart/alternative"
    assert str(back["Subject"]) == "Vigie — het overzicht van de week — 1 maart 2027"
    assert back["Date"] == "Mon, 01 Mar 2027 08:00:00 +0000"
    assert back["Message-ID"].endswith("@vigie.smartbe.be>")
    assert back["List-Unsubscribe"] == "<https://smart.example/unsubscribe?u=1>"
    assert back["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert back["Content-Language"] == "nl"
    parts = [p.get_content_type() for p in back.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    text = back.get_body(preferencelist=("plain",))
    html = back.get_body(preferencelist=("html",))
    assert text.get_content_charset() == "utf-8"
    assert text.get_content() == r.text
    assert html.get_content().rstrip("\n") == r.html.rstrip("\n")
    assert b"\r\n" in path.read_bytes()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "VIGIE_SMTP_HOST is not set"),
        ({"VIGIE_SMTP_HOST": "mail"}, "VIGIE_SMTP_FROM is not set"),
        (
            {"VIGIE_SMTP_HOST": "mail", "VIGIE_SMTP_FROM": "nobody"},
            "VIGIE_SMTP_FROM: 'nobody' is not an e-mail",
        ),
        (
            {"VIGIE_SMTP_HOST": "mail", "VIGIE_SMTP_FROM": "a@b.be", "VIGIE_SMTP_TLS": "yes"},
            "VIGIE_SMTP_TLS: 'yes'",
        ),
        (
            {"VIGIE_SMTP_HOST": "mail", "VIGIE_SMTP_FROM": "a@b.be", "VIGIE_SMTP_PORT": "smtp"},
            "VIGIE_SMTP_PORT: 'smtp'",
        ),
        (
            {"VIGIE_SMTP_HOST": "mail", "VIGIE_SMTP_FROM": "a@b.be", "VIGIE_SMTP_USER": "u"},
            "VIGIE_SMTP_PASSWORD is not set",
        ),
    ],
)
def test_missing_or_bad_settings_name_the_variable(env, message):
    with pytest.raises(MailError, match=message) as info:
        SmtpSettings.from_env(env)
    assert "\n" not in str(info.value)


def test_settings_defaults():
    s = SmtpSettings.from_env(
        {"VIGIE_SMTP_HOST": "mail", "VIGIE_SMTP_FROM": "a@b.be", "VIGIE_SMTP_TLS": "ssl"}
    )
    assert (s.port, s.tls, s.user) == (465, "ssl", None)
    assert SmtpSettings.from_env({"VIGIE_SMTP_HOST": "mail", "VIGIE_SMTP_FROM": "a@b.be"}).port == 587


# ---------------------------------------------------------------- a real SMTP server on 127.0.0.1


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append((envelope, session.authenticated, session.ssl is not None))
        return "250 OK"


def _auth(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"comms"
        and auth_data.password == b"s3cret"
    )
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def plain_server():
    inbox = Inbox()
    port = _free_port()
    ctl = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=_auth, auth_require_tls=False)
    ctl.start()
    yield inbox, port
    ctl.stop()


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path: Path):
    cert, key = _self_signed(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.create_default_context(cafile=str(cert))
    inbox = Inbox()
    port = _free_port()
    ctl = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_auth,
        auth_require_tls=True,
        tls_context=server_ctx,
        require_starttls=True,
    )
    ctl.start()
    yield inbox, port, client_ctx
    ctl.stop()


def _settings(port, tls, user="comms", password="s3cret"):
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        sender="Smart Vigie <vigie@smart.example>",
        tls=tls,
        user=user,
        password=password,
    )


def _check_arrived(inbox, to):
    assert len(inbox.envelopes) == 1
    envelope, authenticated, _ = inbox.envelopes[0]
    assert envelope.mail_from == "vigie@smart.example"
    assert envelope.rcpt_tos == to
    got = message_from_bytes(envelope.original_content, policy=policy.default)
    assert str(got["Subject"]) == "Vigie — het overzicht van de week — 1 maart 2027"
    assert got["From"] == "Smart Vigie <vigie@smart.example>"
    assert "Oproep podiumkunsten" in got.get_body(preferencelist=("plain",)).get_content()
    assert "Oproep podiumkunsten" in got.get_body(preferencelist=("html",)).get_content()
    assert [p.get_content_type() for p in got.iter_parts()] == ["text/plain", "text/html"]
    return got, authenticated


def test_send_plain_with_auth(plain_server):
    inbox, port = plain_server
    msg, _ = _message()
    send(msg, ["a@smart.example", "b@smart.example"], _settings(port, "none"))
    got, authenticated = _check_arrived(inbox, ["a@smart.example", "b@smart.example"])
    assert authenticated
    # several recipients do not see each other's address
    assert got["To"] == "undisclosed-recipients:;"
    assert got["List-Unsubscribe"] == "<https://smart.example/unsubscribe?u=1>"


def test_wrong_password_is_one_line(plain_server):
    _, port = plain_server
    msg, _ = _message()
    with pytest.raises(MailError, match=r"SMTP server 127.0.0.1:\d+ refused the login of VIGIE_SMTP_USER"):
        send(msg, ["a@smart.example"], _settings(port, "none", password="wrong"))


def test_send_over_starttls_with_auth(tls_server):
    inbox, port, client_ctx = tls_server
    msg, _ = _message()
    send(msg, ["a@smart.example"], _settings(port, "starttls"), context=client_ctx)
    got, authenticated = _check_arrived(inbox, ["a@smart.example"])
    assert authenticated
    assert inbox.envelopes[0][2], "the session was not encrypted"
    assert got["To"] == "a@smart.example"


def test_starttls_refuses_an_untrusted_certificate(tls_server):
    inbox, port, _ = tls_server
    msg, _ = _message()
    with pytest.raises(MailError, match="TLS failed"):
        send(msg, ["a@smart.example"], _settings(port, "starttls"))
    assert inbox.envelopes == []


def test_unreachable_server_is_one_line():
    msg, _ = _message()
    with pytest.raises(MailError, match=r"127.0.0.1:\d+ could not be reached"):
        send(msg, ["a@smart.example"], _settings(_free_port(), "none"))


def test_placeholder_unsubscribe_is_not_sent_as_header(plain_server):
    inbox, port = plain_server
    book, r = _rendered()
    msg = build_message(
        subject=r.subject, text=r.text, html=r.html, date=NOW, unsubscribe_url="{{unsubscribe}}"
    )
    send(msg, ["a@smart.example"], _settings(port, "none"))
    got = message_from_bytes(inbox.envelopes[0][0].original_content, policy=policy.default)
    assert got["List-Unsubscribe"] is None
