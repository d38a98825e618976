"""Reading one OCDS field the ways publishers write it: plain (`title`), or per language with the standard's
language suffix (`title_en`, `title_fr`, `title_pt-BR`), as bilingual publishers do (Canada's buyandsell writes
only `title_en`/`title_fr` and `name_en`/`name_fr`, and leaves `buyer.name` empty)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from vigie.core.text import fold

_SUFFIX = re.compile(r"^(?P<field>[A-Za-z]+)_(?P<lang>[a-z]{2}(?:[-_][A-Za-z]{2,4})?)$")


def text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def localized(entity: Any, field: str, language: str | None = None) -> str | None:
    """`field` of an object: its plain value, else the translation in the release's language, else the first
    translation given (in the document's order)."""
    if not isinstance(entity, Mapping):
        return None
    plain = text(entity.get(field))
    if plain:
        return plain
    found: list[tuple[str, str]] = []
    for key, value in entity.items():
        match = _SUFFIX.match(str(key))
        if match and match.group("field") == field and (value := text(value)):
            found.append((match.group("lang")[:2].lower(), value))
    for lang, value in found:
        if lang == language:
            return value
    return found[0][1] if found else None


def name(entity: Any, language: str | None = None) -> str | None:
    """An organisation's name: `name` (or its translations), else its identifier's legal name (OCDS 1.0)."""
    if not isinstance(entity, Mapping):
        return None
    identifier = entity.get("identifier")
    return localized(entity, "name", language) or localized(identifier, "legalName", language)


def parties(release: Mapping[str, Any], role: str) -> list[dict]:
    """The release's parties that play `role` (buyer, procuringEntity...)."""
    return [p for p in release.get("parties") or [] if isinstance(p, dict) and role in (p.get("roles") or [])]


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Country name (in the languages OCDS publishers use) -> ISO 3166-1 alpha-2, from the CLDR data in babel."""
    from babel import Locale

    names: dict[str, str] = {}
    for locale in ("en", "es", "fr", "nl", "de", "pt", "it"):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(fold(name), code)
    return names


def country(release: Mapping[str, Any]) -> str | None:
    """ISO 3166-1 alpha-2 of the buyer's (or procuring entity's) address: a code, or a country name."""
    candidates = [release.get("buyer"), *parties(release, "buyer"), *parties(release, "procuringEntity")]
    tender = release.get("tender")
    if isinstance(tender, dict):
        candidates.append(tender.get("procuringEntity"))
    for entity in candidates:
        address = entity.get("address") if isinstance(entity, dict) else None
        if not isinstance(address, dict):
            continue
        raw = text(address.get("country")) or text(address.get("countryName"))
        if not raw:
            continue
        if len(raw) == 2 and raw.isalpha():
            return raw.upper()
        code = _country_names().get(fold(raw))
        if code:
            return code
    return None
