"""What a request asks for: its filter, its interface language and the public address it was sent to."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from starlette.requests import Request

from vigie.core.errors import FilterError
from vigie.core.languages import UI_LANGS
from warehouse.filters import Filter


def normalise(flt: Filter) -> Filter:
    """One cache key and one URL per filter, whatever the order or repetition of the values."""

    def norm(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(values)))

    return replace(
        flt,
        kinds=norm(flt.kinds),
        sectors=norm(flt.sectors),
        langs=norm(flt.langs),
        regions=norm(flt.regions),
        scopes=norm(flt.scopes),
        statuses=norm(flt.statuses),
        keywords=norm(flt.keywords),
        q=" ".join(flt.q.split()) if flt.q else None,
    )


def parse_query(request: Request) -> tuple[Filter, str | None]:
    """The filter and the interface language (`hl`) of a request; raises FilterError naming the parameter."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    hl_values = params.pop("hl", [])
    hl = hl_values[-1] if hl_values else None
    if hl is not None and hl not in UI_LANGS:
        raise FilterError(
            f"hl: unknown interface language {hl[:40]!r} (expected one of: {', '.join(UI_LANGS)})"
        )
    single: dict[str, Any] = {k: (v[0] if len(v) == 1 else v) for k, v in params.items()}
    for key in ("q", "closing-within", "closing_within"):
        if isinstance(single.get(key), list):
            raise FilterError(f"{key}: give this parameter once")
    return normalise(Filter.from_params(single)), hl


def accept_language(request: Request) -> str:
    """The interface language the browser prefers among UI_LANGS (French when it names none of them)."""
    best, best_q = "fr", -1.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, weight = part.strip().partition(";q=")
        lang = tag.strip().lower()[:2]
        try:
            q = float(weight) if weight else 1.0
        except ValueError:
            continue
        if lang in UI_LANGS and q > best_q:
            best, best_q = lang, q
    return best


def public_base(request: Request) -> str:
    """The address members reach the service at: VIGIE_PUBLIC_URL behind a proxy, else the request's."""
    return os.environ.get("VIGIE_PUBLIC_URL") or str(request.base_url).rstrip("/")
