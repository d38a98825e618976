"""The network policy: http(s) only, public addresses only unless a network is allowed, checked for every URL and
redirect target. No packet leaves loopback: addresses are judged as text, DNS answers are mocked, and the crawl
tests redirect from 127.0.0.1 to 127.0.0.2 (loopback too) while only 127.0.0.1 is allowed."""

from __future__ import annotations

import asyncio

import pytest
from factories import LoopbackHandler, loopback_server
from test_collect_faults import FAST, RSS

from spiders.crawl import collect
from spiders.netpolicy import Policy, PolicyResolver, parse_networks
from spiders.registry import Source
from vigie.core.errors import FetchRefusedError, SourceConfigError

OPEN = Policy()
ALLOW_LOCAL = Policy(parse_networks(["127.0.0.1/32"], "test"))


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata services
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),  # carrier-grade NAT
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fd12:3456::1", "private"),
        ("ff02::1", "multicast"),
        ("::", "unspecified"),
    ],
)
def test_non_public_addresses_are_refused_by_name(address, category):
    assert OPEN.address_problem(address).startswith(f"{address} is a {category} address")


@pytest.mark.parametrize("address", ["93.184.216.34", "2001:4860:4860::8888", "::ffff:93.184.216.34"])
def test_public_addresses_pass(address):
    assert OPEN.address_problem(address) is None


def test_an_ipv4_written_inside_ipv6_is_judged_as_that_ipv4():
    assert OPEN.address_problem("::ffff:127.0.0.1").startswith("127.0.0.1 (in ::ffff:7f00:1) is a loopback")
    assert OPEN.address_problem("::ffff:169.254.169.254").startswith(
        "169.254.169.254 (in ::ffff:a9fe:a9fe) is a"
    )
    # 6to4 carrying 10.0.0.1
    assert OPEN.address_problem("2002:a00:1::1").startswith("10.0.0.1 (in 2002:a00:1::1) is a private")


def test_an_allowed_network_is_allowed_and_nothing_more():
    assert ALLOW_LOCAL.address_problem("127.0.0.1") is None
    assert ALLOW_LOCAL.address_problem("::ffff:127.0.0.1") is None
    assert ALLOW_LOCAL.address_problem("127.0.0.2").startswith("127.0.0.2 is a loopback address")


def test_the_reason_says_how_to_allow_a_network():
    assert OPEN.address_problem("10.0.0.1").endswith(
        "allow its network with VIGIE_ALLOW_NETWORKS or allow_networks"
    )


def _refusal(policy: Policy, url: str, answers: list[str] | None = None) -> str | None:
    async def resolve(host: str, port: int) -> list[str]:
        if answers is None:
            raise OSError("no such name")
        return answers

    try:
        asyncio.run(policy.check(url, resolve))
    except FetchRefusedError as exc:
        return str(exc)
    return None


def test_only_http_and_https_are_fetched():
    assert _refusal(OPEN, "file:///etc/passwd") == "only http and https are fetched, not file"
    assert _refusal(OPEN, "ftp://example.org/x") == "only http and https are fetched, not ftp"
    assert _refusal(OPEN, "gopher://example.org/") == "only http and https are fetched, not gopher"


def test_a_name_is_judged_by_every_address_it_resolves_to():
    assert _refusal(OPEN, "https://example.org/", ["93.184.216.34"]) is None
    refused = _refusal(OPEN, "https://intranet.example/", ["93.184.216.34", "10.0.0.5"])
    assert refused.startswith("intranet.example -> 10.0.0.5 is a private address")
    assert _refusal(OPEN, "http://metadata.example/", ["fe80::a9fe:a9fe"]).startswith(
        "metadata.example -> fe80::a9fe:a9fe is a link-local address"
    )


def test_literal_addresses_are_judged_without_dns():
    assert _refusal(OPEN, "http://[::1]:8080/").startswith("::1 is a loopback address")
    assert _refusal(OPEN, "http://169.254.169.254/latest/meta-data/").startswith(
        "169.254.169.254 is a link-local"
    )


def test_a_name_that_does_not_resolve_is_left_to_the_download_to_report():
    assert _refusal(OPEN, "https://no-such-host.example/", None) is None


def test_networks_come_from_settings_and_the_environment(monkeypatch):
    monkeypatch.setenv("VIGIE_ALLOW_NETWORKS", "10.20.0.0/16, 192.168.1.7")
    policy = Policy.from_settings(["172.16.5.0/24"])
    assert policy.address_problem("10.20.3.4") is None
    assert policy.address_problem("192.168.1.7") is None
    assert policy.address_problem("172.16.5.9") is None
    assert policy.address_problem("192.168.1.8") is not None


def test_a_malformed_network_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv("VIGIE_ALLOW_NETWORKS", "intranet")
    with pytest.raises(SourceConfigError) as caught:
        Policy.from_settings()
    assert str(caught.value) == (
        "VIGIE_ALLOW_NETWORKS: 'intranet' is not a network (expected e.g. 10.20.0.0/16 or 127.0.0.1/32)"
    )


class _Answers:
    def __init__(self, *hosts: str) -> None:
        self.hosts = hosts

    async def resolve(self, host, port=0, family=0):
        return [
            {"hostname": host, "host": h, "port": port, "family": 2, "proto": 6, "flags": 0}
            for h in self.hosts
        ]

    async def close(self):
        return None


def test_the_connection_resolver_refuses_a_rebound_name():
    resolver = PolicyResolver(_Answers("127.0.0.1"), OPEN)
    with pytest.raises(
        OSError, match="refused by the network policy: rebind.example -> 127.0.0.1 is a loopback"
    ):
        asyncio.run(resolver.resolve("rebind.example", 80))
    public = PolicyResolver(_Answers("93.184.216.34"), OPEN)
    assert asyncio.run(public.resolve("example.org", 80))[0]["host"] == "93.184.216.34"


# --- crawls on loopback --------------------------------------------------------------------------------------
class Target(LoopbackHandler):
    hits = 0

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path != "/robots.txt":
            type(self).hits += 1
        return self.send_body(200, RSS, "application/rss+xml")


def _origin(target: str) -> type[LoopbackHandler]:
    class Origin(LoopbackHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            if self.path == "/robots.txt":
                return self.send_body(404, b"", "text/plain")
            if self.path == "/elsewhere.xml":
                return self.send_body(302, b"", "text/plain", {"Location": f"{target}/feed.xml"})
            if self.path in ("/loop-a", "/loop-b"):
                other = "/loop-b" if self.path == "/loop-a" else "/loop-a"
                return self.send_body(302, b"", "text/plain", {"Location": other})
            if self.path.startswith("/hop/"):
                n = int(self.path.rsplit("/", 1)[1])
                return self.send_body(302, b"", "text/plain", {"Location": f"/hop/{n + 1}"})
            return self.send_body(404, b"", "text/plain")

    return Origin


def _collect(home, url: str, overrides: dict | None = None):
    source = Source(name="s", family="feed", urls=(url,), kind="call")
    return asyncio.run(
        collect(source, home=home, run_dir=home / "raw" / "r", overrides={**FAST, **(overrides or {})})
    )


@pytest.fixture
def servers():
    Target.hits = 0
    with loopback_server(Target, host="127.0.0.2") as target, loopback_server(_origin(target)) as origin:
        yield origin, target


def test_a_redirect_to_a_refused_address_is_not_followed(home, servers, monkeypatch):
    monkeypatch.setenv("VIGIE_ALLOW_NETWORKS", "127.0.0.1/32")
    origin, target = servers
    result = _collect(home, f"{origin}/elsewhere.xml")
    assert result.records == 0
    assert result.errors == [
        f"{target}/feed.xml: not fetched (refused by the network policy: 127.0.0.2 is a loopback address; "
        "allow its network with VIGIE_ALLOW_NETWORKS or allow_networks)"
    ]
    assert Target.hits == 0  # no connection was made


def test_a_redirect_within_the_policy_is_followed(home, servers, monkeypatch):
    monkeypatch.setenv("VIGIE_ALLOW_NETWORKS", "127.0.0.1/32")
    origin, _ = servers
    result = _collect(home, f"{origin}/elsewhere.xml", {"allow_networks": ["127.0.0.2/32"]})
    assert result.errors == []
    assert result.records == 2
    assert Target.hits == 1


def test_a_source_on_a_refused_address_is_refused(home, servers, monkeypatch):
    monkeypatch.setenv("VIGIE_ALLOW_NETWORKS", "127.0.0.1/32")
    _, target = servers
    result = _collect(home, f"{target}/feed.xml")
    assert result.errors[0].startswith(
        f"{target}/feed.xml: not fetched (refused by the network policy: 127.0.0.2"
    )
    assert Target.hits == 0


def test_a_redirect_loop_is_named(home, servers):
    origin, _ = servers
    result = _collect(home, f"{origin}/loop-a")
    assert result.errors == [
        f"{origin}/loop-b: not fetched (redirect loop ({origin}/loop-a -> {origin}/loop-b -> {origin}/loop-a))"
    ]


def test_at_most_five_redirects_are_followed(home, servers):
    origin, _ = servers
    result = _collect(home, f"{origin}/hop/0")
    assert result.errors == [
        f"{origin}/hop/5: not fetched (more than 5 redirects (the last to {origin}/hop/6))"
    ]
