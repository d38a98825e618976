"""The source registry (SPEC §5): a TOML file of [[source]] tables that a non-programmer edits.

Adding a source of a known family is a registry entry, not code. This module reads and checks the file and
gives each source as a `Source` with its politeness settings merged from the file's [defaults].
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spiders import families
from vigie.core.config import load_toml
from vigie.core.errors import SourceConfigError
from vigie.core.items import KINDS, SCOPES
from vigie.core.paths import CONFIG_DIR

STATES = ("recorded-sample", "needs-live-check", "live-checked")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_COMMON_KEYS = {
    "name",
    "family",
    "url",
    "urls",
    "kind",
    "sectors",
    "regions",
    "scope",
    "language",
    "country",
    "schedule",
    "state",
    "description",
    "homepage",
    "licence",
    "enabled",
    "immutable",
    "download_delay",
    "concurrency",
    "timeout",
    "parse_timeout",
    "parse_memory",
    "max_pages",
    "options",
    "sample",
}

DEFAULT_SCHEDULE = "0 6 * * *"


@dataclass(frozen=True)
class Source:
    name: str
    family: str
    urls: tuple[str, ...]
    kind: str | None = None
    sectors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    scope: str | None = None
    language: str | None = None
    country: str | None = None
    schedule: str = DEFAULT_SCHEDULE
    state: str = "needs-live-check"
    description: str = ""
    homepage: str = ""
    enabled: bool = True
    immutable: bool = False  # a URL's document never changes once published: never requested twice
    download_delay: float | None = None
    concurrency: int | None = None
    timeout: float | None = None
    parse_timeout: float | None = None  # seconds one response's parse may take (spiders.isolation)
    parse_memory: int | None = None  # MB of address space a parse may use
    max_pages: int | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def parser_options(self) -> dict[str, Any]:
        """What a family parser gets: the family-specific keys plus the defaults it may need."""
        return {"kind": self.kind, "language": self.language, **self.options}

    def defaults(self) -> dict[str, Any]:
        """Registry defaults copied into every raw record of this source."""
        return {
            "sectors": list(self.sectors),
            "regions": list(self.regions),
            "scope": self.scope,
            "country": self.country,
        }


@dataclass(frozen=True)
class Registry:
    path: Path
    sources: tuple[Source, ...]
    settings: dict[str, Any]

    def get(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise SourceConfigError(f"{self.path.name}: no source named {name!r}")

    def select(self, only: list[str] | None = None) -> list[Source]:
        if not only:
            return [s for s in self.sources if s.enabled]
        return [self.get(name) for name in only]


def default_path() -> Path:
    return CONFIG_DIR / "sources.toml"


def load(path: Path | None = None, *, substitutions: dict[str, str] | None = None) -> Registry:
    """Read and validate a registry file; `{demo}`-style placeholders in URLs are substituted."""
    path = Path(path or default_path())
    data = load_toml(path, SourceConfigError, "registry file not found")
    defaults = data.get("defaults", {})
    sources = []
    seen: set[str] = set()
    for i, table in enumerate(data.get("source", []), start=1):
        source = _source(table, defaults, substitutions or {}, where=f"{path.name}: source #{i}")
        if source.name in seen:
            raise SourceConfigError(f"{path.name}: source name {source.name!r} appears twice")
        seen.add(source.name)
        sources.append(source)
    if not sources:
        raise SourceConfigError(f"{path.name}: no [[source]] tables")
    return Registry(path=path, sources=tuple(sources), settings=dict(data.get("settings", {})))


def _source(table: dict[str, Any], defaults: dict[str, Any], subs: dict[str, str], where: str) -> Source:
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise SourceConfigError(f"{where}: `name` must be lower-case letters, digits and dashes")
    where = f"{where} ({name})"
    family = table.get("family")
    if family not in families.BY_NAME:
        raise SourceConfigError(f"{where}: family {family!r} is not one of {', '.join(families.names())}")
    options = _options(table, families.BY_NAME[family], where)
    urls = table.get("urls") or ([table["url"]] if table.get("url") else [])
    if not urls or not all(isinstance(u, str) for u in urls):
        raise SourceConfigError(f"{where}: needs `url` or `urls`")
    urls = [_substitute(u, subs) for u in urls]
    kind = table.get("kind")
    if kind is not None and kind not in KINDS:
        raise SourceConfigError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    scope = table.get("scope")
    if scope is not None and scope not in SCOPES:
        raise SourceConfigError(f"{where}: scope {scope!r} is not one of {', '.join(SCOPES)}")
    state = table.get("state", "needs-live-check")
    if state not in STATES:
        raise SourceConfigError(f"{where}: state {state!r} is not one of {', '.join(STATES)}")
    merged = {**defaults, **{k: v for k, v in table.items() if k in _COMMON_KEYS}}
    return Source(
        name=name,
        family=family,
        urls=tuple(urls),
        kind=kind,
        sectors=tuple(table.get("sectors", ())),
        regions=tuple(table.get("regions", ())),
        scope=scope,
        language=table.get("language"),
        country=table.get("country"),
        schedule=merged.get("schedule", DEFAULT_SCHEDULE),
        state=state,
        description=table.get("description", ""),
        homepage=table.get("homepage", ""),
        enabled=bool(table.get("enabled", True)),
        immutable=bool(table.get("immutable", False)),
        download_delay=merged.get("download_delay"),
        concurrency=merged.get("concurrency"),
        timeout=merged.get("timeout"),
        parse_timeout=merged.get("parse_timeout"),
        parse_memory=merged.get("parse_memory"),
        max_pages=merged.get("max_pages"),
        options=options,
    )


def _options(table: dict[str, Any], family: families.Family, where: str) -> dict[str, Any]:
    """The family-specific keys (selectors, queries…) that go to the parser and spider; a key the family does
    not know is an error, so that a typo is reported instead of silently ignored."""
    extra = table.get("options", {})
    if not isinstance(extra, dict):
        raise SourceConfigError(f"{where}: `options` must be a table")
    options = {k: v for k, v in table.items() if k not in _COMMON_KEYS}
    options.update(extra)
    unknown = sorted(set(options) - family.option_keys)
    if unknown:
        accepted = ", ".join(sorted(family.option_keys)) or "none"
        raise SourceConfigError(
            f"{where}: unknown key {unknown[0]!r} for family {family.name} "
            f"(its own keys: {accepted}; common keys: see config/sources.toml)"
        )
    return options


def _substitute(url: str, subs: dict[str, str]) -> str:
    for key, value in subs.items():
        url = url.replace("{" + key + "}", value)
    if "{" in url:
        raise SourceConfigError(
            f"url {url!r} has a placeholder that is not set (demo registry outside demo?)"
        )
    return url


def apply_defaults(record: dict[str, Any], source: Source) -> dict[str, Any]:
    """Fill a raw record's gaps with the registry's defaults for its source (the record's own values win;
    sectors and regions are merged)."""
    if not record.get("kind"):
        record["kind"] = source.kind
    if not record.get("language") and source.language:
        record["language"] = source.language
    if not record.get("country") and source.country:
        record["country"] = source.country
    if not record.get("scope") and source.scope:
        record["scope"] = source.scope
    for key, extra in (("sectors", source.sectors), ("regions", source.regions)):
        if extra:
            record[key] = list(dict.fromkeys([*(record.get(key) or []), *extra]))
    return record
