"""Newsletter themes: the comms team's data file (config/themes.toml), read and checked.

Every mistake in the file gives one line naming the theme and the key, so a person who edited it can fix it
without reading Python.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from vigie.core.errors import FilterError, ThemeError
from vigie.core.languages import UI_LANGS
from vigie.core.paths import CONFIG_DIR
from warehouse.filters import Filter

CADENCES = ("weekly", "monthly")
FILTER_KEYS = ("kind", "sectors", "regions", "scope", "keywords", "fit")
# What an issue does with calls and tenders of fit "unlikely" (refine.fit): put them after the others, or leave
# them out.
UNLIKELY_OPTIONS = ("last", "leave out")
SECTION_KEYS = {"closing_soon": 15, "new": 30, "events": 15, "closing_days": 21, "event_days": 60}
THEME_KEYS = {"id", "cadence", "title", "intro", "filters", "sections", "list_address", "unlikely"}
SETTINGS_KEYS = {"unsubscribe_url", "organisation", "logo_url", "site_url"}
DEFAULT_UNSUBSCRIBE = "{{unsubscribe}}"
# Where `vigie serve` is reached, for the links to an event's place page (an e-mail is read away from the site).
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Sections:
    closing_soon: int
    new: int
    events: int
    closing_days: int
    event_days: int


@dataclass(frozen=True)
class Theme:
    id: str
    cadence: str
    title: dict[str, str]
    intro: dict[str, str]
    filters: dict[str, Any]
    filter: Filter
    sections: Sections
    # Where the newsroom sends each language's issue (a mailing list's address); absent: export only.
    list_address: dict[str, str] = field(default_factory=dict)
    unlikely: str = "last"  # UNLIKELY_OPTIONS


@dataclass(frozen=True)
class Settings:
    unsubscribe_url: str
    organisation: str
    logo_url: str
    site_url: str = DEFAULT_SITE_URL


@dataclass(frozen=True)
class ThemeBook:
    themes: dict[str, Theme]
    settings: Settings
    path: Path

    def get(self, theme_id: str) -> Theme:
        try:
            return self.themes[theme_id]
        except KeyError:
            raise ThemeError(
                f"{self.path.name}: no theme {theme_id!r} (themes: {', '.join(self.themes)})"
            ) from None


def themes_path() -> Path:
    return CONFIG_DIR / "themes.toml"


def load_themes(path: Path | None = None, environ: dict[str, str] | None = None) -> ThemeBook:
    """Read and validate the themes file; raises ThemeError with a one-line message."""
    path = path or themes_path()
    env = os.environ if environ is None else environ
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ThemeError(f"{path}: themes file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"{path.name}: not valid TOML ({exc})") from None
    unknown = set(data) - {"settings", "theme"}
    if unknown:
        raise ThemeError(
            f"{path.name}: unknown table {sorted(unknown)[0]!r} (expected [settings] and [[theme]])"
        )
    settings = _settings(data.get("settings", {}), path, env)
    themes: dict[str, Theme] = {}
    for n, raw in enumerate(data.get("theme", []), start=1):
        theme = _theme(raw, n, path)
        if theme.id in themes:
            raise ThemeError(f"{path.name}: theme {theme.id!r} is defined twice")
        themes[theme.id] = theme
    if "digest" not in themes:
        raise ThemeError(f"{path.name}: the theme 'digest' (everything) must exist")
    return ThemeBook(themes=themes, settings=settings, path=path)


def _settings(raw: Any, path: Path, env: Any) -> Settings:
    if not isinstance(raw, dict):
        raise ThemeError(f"{path.name}: [settings] should be a table")
    unknown = set(raw) - SETTINGS_KEYS
    if unknown:
        raise ThemeError(
            f"{path.name}: [settings] unknown key {sorted(unknown)[0]!r} "
            f"(expected: {', '.join(sorted(SETTINGS_KEYS))})"
        )
    for key in SETTINGS_KEYS & set(raw):
        if not isinstance(raw[key], str):
            raise ThemeError(f"{path.name}: [settings] {key} should be text")
    site = raw.get("site_url", "").strip()
    if site and not site.startswith(("https://", "http://")):
        raise ThemeError(f"{path.name}: [settings] site_url should start with https:// (got {site!r})")
    logo = raw.get("logo_url", "").strip()
    if logo and not logo.startswith("https://"):
        raise ThemeError(f"{path.name}: [settings] logo_url should start with https:// (got {logo!r})")
    return Settings(
        unsubscribe_url=(
            env.get("VIGIE_UNSUBSCRIBE_URL") or raw.get("unsubscribe_url") or DEFAULT_UNSUBSCRIBE
        ).strip(),
        organisation=raw.get("organisation", "Smart").strip() or "Smart",
        logo_url=logo,
        site_url=(env.get("VIGIE_SITE_URL") or raw.get("site_url") or DEFAULT_SITE_URL).strip(),
    )


def _theme(raw: Any, n: int, path: Path) -> Theme:
    where = f"{path.name}: theme #{n}"
    if not isinstance(raw, dict):
        raise ThemeError(f"{where} should be a table")
    theme_id = raw.get("id")
    if (
        not isinstance(theme_id, str)
        or not theme_id
        or theme_id != theme_id.strip().lower()
        or " " in theme_id
    ):
        raise ThemeError(f"{where}: id should be lower-case text without spaces (got {theme_id!r})")
    where = f"{path.name}: theme {theme_id!r}"
    unknown = set(raw) - THEME_KEYS
    if unknown:
        raise ThemeError(
            f"{where}: unknown key {sorted(unknown)[0]!r} (expected: {', '.join(sorted(THEME_KEYS))})"
        )
    cadence = raw.get("cadence")
    if cadence not in CADENCES:
        raise ThemeError(f"{where}: cadence should be one of {', '.join(CADENCES)} (got {cadence!r})")
    title = _per_lang(raw.get("title"), f"{where}: title")
    intro = _per_lang(raw.get("intro"), f"{where}: intro")
    filters = raw.get("filters", {})
    if not isinstance(filters, dict):
        raise ThemeError(f"{where}: filters should be a table")
    bad = [k for k in filters if k not in FILTER_KEYS]
    if bad:
        raise ThemeError(
            f"{where}: filters.{bad[0]} is not a filter key (expected: {', '.join(FILTER_KEYS)})"
        )
    if "news" in ([filters["kind"]] if isinstance(filters.get("kind"), str) else filters.get("kind") or []):
        raise ThemeError(f"{where}: filters.kind: a newsletter never shows news (use tender, call or event)")
    unlikely = raw.get("unlikely", "last")
    if unlikely not in UNLIKELY_OPTIONS:
        raise ThemeError(f"{where}: unlikely should be one of {', '.join(map(repr, UNLIKELY_OPTIONS))}")
    try:
        flt = Filter.from_params(filters)
    except FilterError as exc:
        raise ThemeError(f"{where}: filters.{exc}") from None
    return Theme(
        id=theme_id,
        cadence=cadence,
        title=title,
        intro=intro,
        filters=dict(filters),
        filter=flt,
        sections=_sections(raw.get("sections", {}), where),
        list_address=_list_address(raw.get("list_address", {}), where),
        unlikely=unlikely,
    )


def _list_address(value: Any, where: str) -> dict[str, str]:
    """`list_address = { fr = "...", nl = "...", en = "..." }`: one or more addresses per language."""
    if not isinstance(value, dict) or set(value) - set(UI_LANGS):
        raise ThemeError(f"{where}: list_address should be a table with some of fr, nl, en")
    for lang, text in value.items():
        found = getaddresses([text]) if isinstance(text, str) else []
        if not found or any("@" not in addr for _, addr in found):
            raise ThemeError(f"{where}: list_address.{lang} should be e-mail addresses (got {text!r})")
    return {lang: text.strip() for lang, text in value.items()}


def _per_lang(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ThemeError(f"{where} should be a table with fr, nl and en")
    for lang in UI_LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise ThemeError(f"{where}.{lang} is missing or empty")
    extra = set(value) - set(UI_LANGS)
    if extra:
        raise ThemeError(f"{where}.{sorted(extra)[0]}: unknown language (expected fr, nl, en)")
    return {lang: value[lang].strip() for lang in UI_LANGS}


def _sections(raw: Any, where: str) -> Sections:
    if not isinstance(raw, dict):
        raise ThemeError(f"{where}: sections should be a table")
    unknown = set(raw) - set(SECTION_KEYS)
    if unknown:
        raise ThemeError(
            f"{where}: sections.{sorted(unknown)[0]} is not a section setting "
            f"(expected: {', '.join(SECTION_KEYS)})"
        )
    values = {**SECTION_KEYS, **raw}
    for key, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1000:
            raise ThemeError(
                f"{where}: sections.{key} should be a whole number between 0 and 1000 (got {value!r})"
            )
    if values["closing_days"] < 1 or values["event_days"] < 1:
        raise ThemeError(f"{where}: sections.closing_days and event_days should be at least 1")
    return Sections(**values)
