"""One filter model for `vigie feed`, the HTTP service's feeds and pages, and newsletter themes.

A filter becomes a WHERE clause with bound parameters over the `opportunities` table/view of the published
snapshot: nothing a member sends ever reaches SQL except as a parameter.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import duckdb

from vigie.core.errors import FilterError
from vigie.core.items import FITS, KINDS, SCOPES, STATUSES
from vigie.core.languages import ITEM_LANGS
from vigie.core.taxonomy import sector_labels
from vigie.core.text import fold
from warehouse.connection import sql_text
from warehouse.live import ASKED_ONLY_KINDS, in_statuses, useful

# The regions refine gives items (config/regions.toml), and friendly names a member may type instead.
REGIONS = ("BE-BRU", "BE-VLG", "BE-WAL")
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
# Free text is matched word by word over every item: longer queries only cost, and a URL carries them whole.
MAX_Q = 200
MAX_KEYWORDS = 50
# Every key a filter takes, with the spellings accepted for it (the first is the canonical one).
KEYS = {
    "kind": ("kind", "kinds"),
    "sector": ("sector", "sectors"),
    "lang": ("lang", "langs", "language"),
    "region": ("region", "regions"),
    "scope": ("scope", "scopes"),
    "status": ("status", "statuses"),
    "fit": ("fit", "fits"),
    "q": ("q",),
    "keywords": ("keywords",),
    "closing-within": ("closing-within", "closing_within"),
}
_SPELLINGS = {spelling: key for key, names in KEYS.items() for spelling in names}


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
        raise unknown_value(name, bad[0], tuple(sorted(allowed)))
    return values


def unknown_value(param: str, value: str, accepted: tuple[str, ...]) -> FilterError:
    """The one error of every unknown filter value: names the parameter and the values it accepts."""
    value = value[:40]
    return FilterError(
        f"{param}: unknown value {value!r} (expected one of: {', '.join(accepted)})",
        param=param,
        problem="unknown_value",
        value=value,
        accepted=accepted,
    )


def _problem(param: str, problem: str, message: str, value: str = "", limit: str = "") -> FilterError:
    return FilterError(
        f"{param}: {message}",
        param=param,
        problem=problem,
        value=value[:40],
        accepted=(limit,) if limit else (),
    )


def _text(param: str, value: Any, limit: int) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    if len(text) > limit:
        raise _problem(param, "too_long", f"text longer than {limit} characters", limit=str(limit))
    return text or None


def _days(value: Any) -> int | None:
    if value is None:
        return None
    try:
        days = int(str(value))
    except ValueError:
        raise _problem(
            "closing-within", "not_number", f"{str(value)[:40]!r} is not a whole number of days", str(value)
        ) from None
    if not 0 <= days <= 3650:
        raise _problem("closing-within", "out_of_range", "days must be between 0 and 3650", str(days), "3650")
    return days


@dataclass(frozen=True)
class Filter:
    """What a member, a theme or a command asks for. Empty fields ask for nothing: then members see what is
    still useful (warehouse.live): open and forthcoming items, no news."""

    kinds: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    fits: tuple[str, ...] = ()
    q: str | None = None
    keywords: tuple[str, ...] = field(default=())  # any of these words (themes)
    closing_within: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Filter:
        """Build and validate a filter from query parameters, CLI options or a theme's `filters` table.

        Keys: those of KEYS, in any of their spellings (`format` is ignored: the feed routes read it).
        Raises FilterError naming the bad parameter and what it accepts.
        """
        values: dict[str, Any] = {}
        for name, value in params.items():
            if name == "format":
                continue
            if name not in _SPELLINGS:
                raise FilterError(
                    f"{str(name)[:40]}: unknown parameter (expected one of: {', '.join(KEYS)})",
                    param=str(name)[:40],
                    problem="unknown_param",
                    accepted=tuple(KEYS),
                )
            if value not in (None, "", [], ()):
                values.setdefault(_SPELLINGS[name], value)
        regions = tuple(REGION_ALIASES.get(fold(r), r.upper()) for r in _split(values.get("region")))
        keywords = _split(values.get("keywords"))
        if len(keywords) > MAX_KEYWORDS:
            raise _problem("keywords", "too_long", f"more than {MAX_KEYWORDS} words", limit=str(MAX_KEYWORDS))
        return cls(
            kinds=_check("kind", _split(values.get("kind")), KINDS),
            sectors=_check("sector", _split(values.get("sector")), frozenset(sector_labels())),
            langs=_check("lang", _split(values.get("lang")), ITEM_LANGS),
            regions=_check("region", regions, REGIONS),
            scopes=_check("scope", _split(values.get("scope")), SCOPES),
            statuses=_check("status", _split(values.get("status")), STATUSES),
            fits=_check("fit", _split(values.get("fit")), FITS),
            q=_text("q", values.get("q"), MAX_Q),
            keywords=tuple(_text("keywords", k, MAX_Q) or k for k in keywords),
            closing_within=_days(values.get("closing-within")),
        )

    def where(self, now: datetime) -> tuple[str, list[Any]]:
        """SQL condition over `opportunities` columns at `now`, and its parameters in order."""
        clauses: list[str] = []
        params: list[Any] = []
        for column, values in (("kind", self.kinds), ("scope", self.scopes), ("fit", self.fits)):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params += values
        if not self.kinds:
            clauses.append(f"kind NOT IN ({', '.join('?' * len(ASKED_ONLY_KINDS))})")
            params += ASKED_ONLY_KINDS
        status_sql, status_params = in_statuses(self.statuses, now) if self.statuses else useful(now)
        clauses.append(status_sql)
        params += status_params
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
        return " AND ".join(clauses), params

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
            ("fit", self.fits),
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
    offset: int = 0,
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
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    cur = con.execute(sql, params)
    columns = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        item = dict(zip(columns, row, strict=True))
        if isinstance(item["texts"], str):
            item["texts"] = json.loads(item["texts"])
        out.append(item)
    return out


def count_items(con: duckdb.DuckDBPyConnection, flt: Filter | None, now: datetime) -> int:
    """How many items of `opportunities` match `flt` (every stored item when None)."""
    where, params = flt.where(now) if flt is not None else ("TRUE", [])
    return int(con.execute(sql_text("read/count_items.sql").format(filter=where), params).fetchone()[0])
