"""What every route of the service shares: the snapshot reader, the feed cache and the page templates."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.cache import FeedCache
from service.snapshot import SnapshotReader, Version
from vigie.core.timezone import BRUSSELS

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def page_strings() -> dict[str, Any]:
    """Page wording per language, from templates/strings.toml."""
    with open(TEMPLATES / "strings.toml", "rb") as fh:
        return tomllib.load(fh)


def page_templates() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


@dataclass
class Service:
    reader: SnapshotReader
    cache: FeedCache = field(default_factory=FeedCache)
    templates: Environment = field(default_factory=page_templates)
    # The snapshot the cache last served: feeds of an older one will never be asked again.
    cached_version: Version | None = None
    # Items per snapshot version, for /health.
    counts: dict[Version, int] = field(default_factory=dict)
    # `vigie serve --as-of`: every page and feed behaves as at this instant (statuses, windows). Without it,
    # the day the published run was made as of (`vigie run --as-of`, the demo), else the real clock.
    as_of: datetime | None = None

    def serving(self, version: Version) -> None:
        """Note the snapshot being served: cached feeds and pages of an older one will never be asked again."""
        if self.cached_version != version:
            self.cache.drop_other_versions(version)
            self.cached_version = version

    def shown_as_of(self) -> datetime | None:
        """The day pages say they are "as on": the service's own --as-of, else the published run's."""
        return self.as_of or self.reader.fixed_clock()

    def now(self) -> datetime:
        """The instant statuses, "closing within" and days left are computed at."""
        fixed = self.shown_as_of()
        return fixed.astimezone(BRUSSELS) if fixed else datetime.now(BRUSSELS)
