"""An optional geocoder for places that have an address but no coordinates: any Nominatim-compatible service
(`/search?format=jsonv2`), off unless config/places.toml turns it on:

    [geocoder]
    enabled = true
    url = "https://nominatim.openstreetmap.org/search"
    email = "veille@example.org"      # optional: Nominatim asks heavy users for a contact

Polite as Nominatim's usage policy asks: one request per second at most, Vigie's identifying user agent
(spiders.settings.USER_AGENT, VIGIE_USER_AGENT), every answer cached on disk in the Vigie home (cache/geocoder.json,
"not found" included) so an address is asked once, and the network policy (spiders.netpolicy) applied to the
service's address like to any source."""

from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from spiders.netpolicy import Policy
from spiders.settings import USER_AGENT
from vigie.core.config import load_toml
from vigie.core.errors import FetchRefusedError, SourceConfigError
from vigie.core.paths import CONFIG_DIR

DEFAULT_URL = "https://nominatim.openstreetmap.org/search"
MIN_INTERVAL = 1.0  # seconds between two requests (Nominatim: "an absolute maximum of 1 request per second")


@dataclass
class Geocoder:
    url: str
    cache_path: Path
    user_agent: str = USER_AGENT
    email: str | None = None
    policy: Policy = field(default_factory=Policy.from_settings)
    timeout: float = 20.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0  # requests sent by this instance (cache hits are not requests)
    _last: float | None = None
    _cache: dict[str, Any] | None = None

    def _entries(self) -> dict[str, Any]:
        if self._cache is None:
            try:
                self._cache = json.loads(self.cache_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._cache = {}
        return self._cache

    def _save(self) -> None:
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(self._entries(), ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8"
        )
        os.replace(tmp, self.cache_path)  # a run killed mid-write keeps the previous cache

    def _get(self, url: str) -> Any:
        asyncio.run(self.policy.check(url))  # FetchRefusedError names why
        if self._last is not None:
            wait = self._last + MIN_INTERVAL - self.clock()
            if wait > 0:
                self.sleep(wait)
        request = urllib.request.Request(
            url, headers={"User-Agent": self.user_agent, "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) checked
                return json.loads(response.read())
        finally:
            self._last = self.clock()
            self.requests += 1

    def locate(self, address: str | None, postcode: str | None, city: str | None, country: str | None) -> Any:
        """(latitude, longitude) of an address, or None when the service knows it not. Raises OSError (network,
        HTTP error) or FetchRefusedError; an answer, found or not, is cached and never asked again."""
        query = ", ".join(p for p in (address, " ".join(x for x in (postcode, city) if x)) if p)
        if not query:
            return None
        params = {"q": query, "format": "jsonv2", "limit": "1"}
        if country:
            params["countrycodes"] = country.lower()
        if self.email:
            params["email"] = self.email
        key = urlencode(sorted((k, v) for k, v in params.items() if k != "email"))
        entries = self._entries()
        if key not in entries:
            try:
                answer = self._get(f"{self.url}?{urlencode(params)}")
            except ValueError as exc:
                raise OSError(f"the geocoder's answer is not JSON ({exc})") from None
            first = answer[0] if isinstance(answer, list) and answer else None
            try:
                entries[key] = [float(first["lat"]), float(first["lon"])] if first else None
            except (KeyError, TypeError, ValueError):
                raise OSError("the geocoder's answer has no lat/lon") from None
            self._save()
        found = entries[key]
        return tuple(found) if found else None


def from_config(home: Path, path: Path | None = None) -> Geocoder | None:
    """The geocoder config/places.toml turns on, or None (the default: no geocoding service is called)."""
    path = path or CONFIG_DIR / "places.toml"
    table = load_toml(path, SourceConfigError).get("geocoder") or {}
    if not isinstance(table, dict) or table.get("enabled") is not True:
        return None
    url = table.get("url") or DEFAULT_URL
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise SourceConfigError(f"{path.name}: [geocoder] url must be an http(s) address, got {url!r}")
    email = table.get("email") or None
    return Geocoder(url=url, cache_path=home / "cache" / "geocoder.json", email=email)


def geocode(geocoder: Geocoder, places: list[Any]) -> tuple[int, list[str]]:
    """Coordinates for each place with an address and none; (how many were found, problems). A refused or
    failing service stops geocoding for this run (the next run asks again what is not cached)."""
    found = 0
    for place in places:
        if place.latitude is not None or not (place.address or (place.postcode and place.city)):
            continue
        try:
            point = geocoder.locate(place.address, place.postcode, place.city, place.country)
        except FetchRefusedError as exc:
            return found, [f"geocoder {geocoder.url}: refused by the network policy ({exc})"]
        except (OSError, urllib.error.URLError) as exc:
            return found, [
                f"geocoder {geocoder.url}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            ]
        if point:
            place.latitude, place.longitude = point
            found += 1
    return found, []
