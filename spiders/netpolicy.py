"""The network policy: what Vigie may connect to.

A registry URL, a redirect target or a link found in a page is text from a file or from the internet. Without a
policy, a source (or a redirect) could make Vigie read the machine's own services (127.0.0.1, a cloud metadata
address at 169.254.169.254, an intranet on 10.0.0.0/8). So only http and https are fetched, and only from
public addresses, after DNS resolution, IPv4 and IPv6 alike (an IPv4 address written inside IPv6 is judged as
the IPv4 it carries). A private network is fetched only when named: the registry's [settings]
`allow_networks = ["10.20.0.0/16"]` or the environment's VIGIE_ALLOW_NETWORKS="10.20.0.0/16,192.168.1.7/32".

The check runs twice: in a downloader middleware before each request (a clear one-line reason), and in the
resolver of the connection itself, so that a name answering a public address to the check and a private one
to the connection (DNS rebinding) is refused too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from scrapy.core.downloader.handlers._aiohttp import AiohttpDownloadHandler

from vigie.core.errors import FetchRefusedError, SourceConfigError

SCHEMES = ("http", "https")
ENV = "VIGIE_ALLOW_NETWORKS"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], Awaitable[list[str]]]


def parse_networks(values: Iterable[str], where: str) -> tuple[IPNetwork, ...]:
    """Networks from CIDR strings ("10.0.0.0/8", "::1/128", a bare address = that one address)."""
    out = []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        try:
            out.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise SourceConfigError(
                f"{where}: {text!r} is not a network (expected e.g. 10.20.0.0/16 or 127.0.0.1/32)"
            ) from None
    return tuple(out)


def _embedded_v4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped ::ffff:a.b.c.d, 6to4, Teredo)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    return [v4 for v4 in found if v4 is not None]


def _category(ip: IPAddress) -> str | None:
    """Why an address is not public, or None for a public one."""
    for test, name in (
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
    ):
        if test:
            return name
    return None if ip.is_global else "non-public"


@dataclass(frozen=True)
class Policy:
    allowed: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_settings(cls, configured: Iterable[str] = ()) -> Policy:
        """The networks the crawl settings allow plus those of the environment."""
        env = os.environ.get(ENV, "").replace(",", " ").split()
        return cls(parse_networks(configured, "allow_networks") + parse_networks(env, ENV))

    def address_problem(self, address: str) -> str | None:
        """Why this address may not be fetched, or None."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return f"{address!r} is not an IP address"
        mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
        judged = mapped or ip  # ::ffff:10.0.0.1 is 10.0.0.1 on the wire
        if any(judged in net for net in self.allowed if net.version == judged.version):
            return None
        for candidate in (judged, *_embedded_v4(judged)):
            category = _category(candidate)
            if category:
                where = f" (in {ip})" if candidate != ip else ""
                return f"{candidate}{where} is a {category} address; allow its network with {ENV} or allow_networks"
        return None

    async def check(self, url: str, resolve: Resolve | None = None) -> None:
        """FetchRefusedError naming why `url` may not be fetched; silent when it may."""
        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port
        except ValueError:
            raise FetchRefusedError("malformed URL") from None
        if parts.scheme.lower() not in SCHEMES:
            raise FetchRefusedError(f"only http and https are fetched, not {parts.scheme or 'a bare path'}")
        if not host:
            raise FetchRefusedError("the URL names no host")
        port = port or (443 if parts.scheme.lower() == "https" else 80)
        try:
            addresses = [str(ipaddress.ip_address(host.split("%", 1)[0]))]
        except ValueError:
            try:
                addresses = await (resolve or system_resolve)(host, port)
            except OSError:
                return  # the download itself will report that the name does not resolve
        for address in addresses:
            problem = self.address_problem(address)
            if problem:
                raise FetchRefusedError(f"{host} -> {problem}" if address != host else problem)


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for a host (what a connection may end up using)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class PolicyResolver(AbstractResolver):
    """aiohttp's resolver with the policy applied to its answers: what the connection really uses."""

    def __init__(self, inner: AbstractResolver, policy: Policy) -> None:
        self.inner = inner
        self.policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self.inner.resolve(host, port, family)
        for result in results:
            problem = self.policy.address_problem(result["host"])
            if problem:
                raise OSError(f"refused by the network policy: {host} -> {problem}")
        return results

    async def close(self) -> None:
        await self.inner.close()


class PolicyDownloadHandler(AiohttpDownloadHandler):
    """Scrapy's aiohttp handler whose connections resolve through PolicyResolver."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        connector = self._session.connector
        inner = getattr(connector, "_resolver", None)
        if not isinstance(inner, AbstractResolver):  # pinned aiohttp; a new one must keep this guarantee
            raise RuntimeError("aiohttp's connector has no resolver to wrap: the network policy cannot apply")
        policy = Policy.from_settings(crawler.settings.getlist("VIGIE_ALLOW_NETWORKS"))
        connector._resolver = PolicyResolver(inner, policy)  # type: ignore[union-attr]
