"""One filter model for `vigie feed`, the HTTP service's feeds and pages, and newsletter themes.

A filter becomes a WHERE clause with bound parameters over the `opportunities` table/view of the published
snapshot: nothing a member sends ever reaches SQL except as a parameter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import duckdb

from vigie.core.errors import FilterError
from vigie.core.items import KINDS, SCOPES, STATUSES
from vigie.core.languages import ITEM_LANGS
from vigie.core.taxonomy import sector_labels
from vigie.core.text import fold
from warehouse.connection import sql_text

# Friendly names a member may type instead of ISO 3166-2 codes.
REGION_ALIASES = {
    "brussels": "BE-BRU",
    "bruxelles": "BE-BRU",
    "brussel": "BE-BRU",
    "wallonia": "BE-WAL",
    "wallonie": "BE-WAL",
    "wallonie-bruxelles": "BE-WAL",
    "wallonie_bruxelles": "BE-WAL",
    "flanders": "BE-VLG",
    "flandre": "BE-VLG",
    "vlaanderen": "BE-VLG",
}
_REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
MAX_Q = 200


def _split(value: Any) -> tuple[str, ...]:
    """Accept a list, a repeated query parameter or a comma-separated string."""
    if value is None:
        return ()
    values = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for v in values:
        out += [p.strip() for p in str(v).split(",") if p.strip()]
    return tuple(out)


def _check(name: str, values: tuple[str, ...], allowed: frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
    bad = [v for v in values if v not in allowed]
    if bad:
        raise FilterError(f"{name}: unknown value {bad[0]!r} (expected one of: {', '.join(sorted(allowed))})")
    return values


@dataclass(frozen=True)
class Filter:
    kinds: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    q: str | None = None
    keywords: tuple[str, ...] = field(default=())  # any of these words (themes)
    closing_within: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Filter:
        """Build and validate a filter from query parameters, CLI options or a theme's `filters` table.

        Keys: kind, sector, lang, region, scope, status, q, keywords, closing-within (or closing_within);
        plural spellings are accepted too. Raises FilterError naming the bad parameter.
        """

        def get(*names: str) -> Any:
            for n in names:
                if n in params and params[n] not in (None, "", [], ()):
                    return params[n]
            return None

        known = {
            "kind",
            "kinds",
            "sector",
            "sectors",
            "lang",
            "langs",
            "language",
            "region",
            "regions",
            "scope",
            "scopes",
            "status",
            "statuses",
            "q",
            "keywords",
            "closing-within",
            "closing_within",
            "format",
        }
        unknown = [k for k in params if k not in known]
        if unknown:
            raise FilterError(
                f"{unknown[0]}: unknown parameter (expected: kind, sector, lang, region, scope, "
                "status, q, closing-within)"
            )
        regions = tuple(REGION_ALIASES.get(r.lower(), r.upper()) for r in _split(get("region", "regions")))
        for r in regions:
            if not _REGION.match(r):
                raise FilterError(f"region: {r!r} is not a region code such as BE-BRU, BE-WAL or BE-VLG")
        q = get("q")
        if q is not None:
            q = str(q).strip()
            if len(q) > MAX_Q:
                raise FilterError(f"q: search text longer than {MAX_Q} characters")
        closing = get("closing-within", "closing_within")
        if closing is not None:
            try:
                closing = int(str(closing))
            except ValueError:
                raise FilterError(f"closing-within: {closing!r} is not a whole number of days") from None
            if not 0 <= closing <= 3650:
                raise FilterError("closing-within: days must be between 0 and 3650")
        return cls(
            kinds=_check("kind", _split(get("kind", "kinds")), KINDS),
            sectors=_check("sector", _split(get("sector", "sectors")), frozenset(sector_labels())),
            langs=_check("lang", _split(get("lang", "langs", "language")), ITEM_LANGS),
            regions=regions,
            scopes=_check("scope", _split(get("scope", "scopes")), SCOPES),
            statuses=_check("status", _split(get("status", "statuses")), STATUSES),
            q=q or None,
            keywords=_split(get("keywords")),
            closing_within=closing,
        )

    def where(self, now: datetime) -> tuple[str, list[Any]]:
        """SQL condition over `opportunities` columns, and its parameters in order."""
        clauses: list[str] = []
        params: list[Any] = []
        for column, values in (("kind", self.kinds), ("scope", self.scopes), ("status", self.statuses)):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params += values
        for column, values in (
            ("sectors", self.sectors),
            ("regions", self.regions),
            ("languages", self.langs),
        ):
            if values:
                clauses.append(f"list_has_any({column}, ?::VARCHAR[])")
                params.append(list(values))
        if self.q:
            for word in self.q.split():
                clauses.append(r"search_text LIKE ? ESCAPE '\'")
                params.append(f"%{_like(fold(word))}%")
        if self.keywords:
            clauses.append("(" + " OR ".join(r"search_text LIKE ? ESCAPE '\'" for _ in self.keywords) + ")")
            params += [f"%{_like(fold(k))}%" for k in self.keywords]
        if self.closing_within is not None:
            clauses.append("deadline_at >= ? AND deadline_at <= ?")
            params += [now, now + timedelta(days=self.closing_within)]
        return (" AND ".join(clauses) or "TRUE"), params

    def to_params(self) -> dict[str, str]:
        """The query-string form of this filter (for feed URLs)."""
        out: dict[str, str] = {}
        for key, values in (
            ("kind", self.kinds),
            ("sector", self.sectors),
            ("lang", self.langs),
            ("region", self.regions),
            ("scope", self.scopes),
            ("status", self.statuses),
            ("keywords", self.keywords),
        ):
            if values:
                out[key] = ",".join(values)
        if self.q:
            out["q"] = self.q
        if self.closing_within is not None:
            out["closing-within"] = str(self.closing_within)
        return out


def _like(text: str) -> str:
    """A member searching "100%" or "e_mail" means those characters, not LIKE wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Soonest first: what a member acts on next.
ORDER_BY_DATE = "coalesce(deadline_at, starts_at, published_at) NULLS LAST, id"


def select_items(
    con: duckdb.DuckDBPyConnection,
    flt: Filter,
    now: datetime,
    *,
    order: str = ORDER_BY_DATE,
    limit: int | None = None,
    extra_where: str = "",
    extra_params: list[Any] | None = None,
) -> list[dict[str, Any]]:
    """Items of `opportunities` matching `flt` (columns of sql/read/items.sql), as dicts: texts decoded,
    timestamps tz-aware.

    `order` and `extra_where` are SQL written by Vigie's own code, never by a client.
    """
    where, params = flt.where(now)
    if extra_where:
        where = f"({where}) AND ({extra_where})"
        params += extra_params or []
    sql = sql_text("read/items.sql").format(filter=where, order=order)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    cur = con.execute(sql, params)
    columns = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        item = dict(zip(columns, row, strict=True))
        if isinstance(item["texts"], str):
            item["texts"] = json.loads(item["texts"])
        out.append(item)
    return out


def count_items(con: duckdb.DuckDBPyConnection, flt: Filter, now: datetime) -> int:
    """How many items of `opportunities` match `flt`."""
    where, params = flt.where(now)
    return int(con.execute(sql_text("read/count_items.sql").format(filter=where), params).fetchone()[0])
