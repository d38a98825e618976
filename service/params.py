"""What a request asks for: its filter, its interface language and the public address it was sent to."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from starlette.requests import Request

from vigie.core.errors import FilterError
from vigie.core.languages import UI_LANGS
from warehouse.filters import Filter, unknown_value


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
        fits=norm(flt.fits),
        keywords=norm(flt.keywords),
        q=" ".join(flt.q.split()) if flt.q else None,
    )


def request_hl(request: Request) -> str | None:
    """The interface language a request names with `hl` (the last one given), None when it names none or an
    unknown one (parse_query reports that)."""
    values = request.query_params.getlist("hl")
    return values[-1] if values and values[-1] in UI_LANGS else None


def parse_query(
    request: Request, *, extra: tuple[str, ...] = ()
) -> tuple[Filter, str | None, dict[str, str]]:
    """The filter, the interface language (`hl`) and the `extra` page parameters of a request; raises
    FilterError naming the bad parameter."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    hl_values = params.pop("hl", [])
    hl = hl_values[-1] if hl_values else None
    if hl is not None and hl not in UI_LANGS:
        raise unknown_value("hl", hl, UI_LANGS)
    for key in ("q", "closing-within", "closing_within", *extra):
        if len(params.get(key, [])) > 1:
            raise FilterError(f"{key}: give this parameter once", param=key, problem="repeated")
    others = {key: params.pop(key)[0] for key in extra if key in params}
    single: dict[str, Any] = {k: (v[0] if len(v) == 1 else v) for k, v in params.items()}
    return normalise(Filter.from_params(single)), hl, others


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
