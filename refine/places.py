"""Where an event happens, read as a venue: a name, a street key, a postcode, a city, coordinates.

Sources write a venue in many ways: schema.org and UiTdatabank give "Name, Street 5, 1060 City" (the parsers join
the address parts), iCalendar LOCATION is free text ("FabLab Cottbus @ Walther-Pauer-Straße 5 03044 Cottbus",
"CPC Offices, 3631 Perkins Ave., Cleveland 4th Fl"). The reader splits the text into parts and classifies each
(postcode and city, street with its number, floor or room, country, name), then writes comparison keys where
spelling differences vanish: accents, case, punctuation, "Str." / "Straße", "Ave." / "Avenue", the house number
before or after the street."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from vigie.core.text import fold, squash

# Street types, folded, with the abbreviations sources use. Keys are the spelling kept in street keys.
_STREET_TYPES = {
    "strasse": ("str", "strasse", "strase"),
    "avenue": ("ave", "av", "avenue", "avda"),
    "street": ("st", "street"),
    "road": ("rd", "road"),
    "boulevard": ("bd", "blvd", "bld", "boulevard"),
    "place": ("pl", "place", "plaza", "plein"),
    "square": ("sq", "square"),
    "drive": ("dr", "drive"),
    "lane": ("ln", "lane"),
    "rue": ("rue",),
    "chaussee": ("chee", "chaussee", "steenweg", "stwg"),
    "straat": ("straat",),
    "laan": ("laan",),
    "weg": ("weg",),
    "way": ("way",),
    "quai": ("quai", "kaai"),
    "allee": ("allee",),
}
_TYPE_OF = {abbr: full for full, abbrs in _STREET_TYPES.items() for abbr in abbrs}
# German and Dutch write the type glued to the name ("Karlstraße", "Kerkstraat"): the suffix is the type.
_GLUED = ("strasse", "straat", "laan", "weg", "allee", "plein", "steenweg")
_WORDS = {"u": "und", "e": "east", "w": "west", "n": "north", "s": "south"}
# Words that name a room, a floor or a building part, not the venue: a name made of these alone says nothing.
GENERIC = frozenset(
    str.split(
        "room rooms salle salles zaal seminarraum seminarraume raum saal hall building batiment gebouw haus huis "
        "floor fl etage verdieping stock office offices bureau bureaux conference meeting entrance entree ingang "
        "the le la les de du des het een van im in am an at of und and et en zum zur der die das"
    )
)
STOPWORDS = frozenset(
    str.split("the le la les l de du des d het een van im in am an at of und and et en zum zur")
)

_POSTCODE_CITY = re.compile(r"^(?P<code>\d{4,5})\s+(?P<city>\D.*)$")
_CITY_POSTCODE = re.compile(r"^(?P<city>\D.*?)\s+(?:[A-Z]{2}\s+)?(?P<code>\d{5})(?:-\d{4})?$")
_UK_POSTCODE = re.compile(r"^(?P<code>[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b\s*(?P<city>.*)$")
_STATE_ZIP = re.compile(r"^[A-Z]{2}\s+(?P<code>\d{5})(?:-\d{4})?$")
_TRAILING_POSTCODE = re.compile(r"^(?P<street>.*\S)\s+(?P<code>\d{4,5})\s+(?P<city>[^\d,]+)$")
_FLOOR = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th|e|er|de|ste)?\.?\s*(?:floor|fl|etage|verdieping|stock|og)\b\.?|"
    r"(?:floor|etage|verdieping)\s*\d+)",
    re.I,
)
_NUMBER = re.compile(r"^\d+[a-z]?(?:[-/]\d+[a-z]?)?$")
_SPLIT = re.compile(r"\s+@\s+|[,;\n]+|\s+\|\s+")


@dataclass
class Venue:
    """One event's venue as its source wrote it, with the keys matching compares."""

    text: str
    name: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    source: str | None = None
    tokens: frozenset[str] = field(default_factory=frozenset)

    @property
    def has_address(self) -> bool:
        return bool(self.street or self.latitude is not None)

    @property
    def street_key(self) -> str | None:
        return street_key(self.street) if self.street else None

    @property
    def city_key(self) -> str | None:
        return " ".join(words(self.city)) if self.city else None


def words(text: str | None) -> list[str]:
    """Folded lower-case words; letters glued to digits are split ("Haus5" -> haus, 5)."""
    text = fold(text or "").lower().replace("ß", "ss")
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z]{3,})", " ", text)
    return re.findall(r"[a-z0-9]+(?:[-/][0-9]+[a-z]?)?", text.replace("'", " "))


def name_tokens(name: str | None) -> frozenset[str]:
    return frozenset(w for w in words(name) if w not in STOPWORDS)


def street_key(street: str) -> str:
    """The street in one spelling: types written out, the house number first ("Am Kanal 47" -> "47 am kanal")."""
    out: list[str] = []
    for word in words(street):
        glued = next((g for g in _GLUED if word.endswith(g) and len(word) > len(g) + 2), None)
        if glued:
            out += [word[: -len(glued)], glued if glued != "plein" else "place"]
            continue
        out.append(_TYPE_OF.get(word, _WORDS.get(word, word)))
    numbers = [w for w in out if _NUMBER.match(w)]
    rest = [w for w in out if not _NUMBER.match(w)]
    # "3631 Perkins Avenue Cleveland": after a name-then-type street, what follows is the city.
    if rest and rest[0] not in _STREET_TYPES:
        cut = next((i for i, w in enumerate(rest) if w in _STREET_TYPES), None)
        rest = rest[: cut + 1] if cut is not None else rest
    return " ".join(numbers[:1] + rest)


def _is_typed_street(part: str) -> bool:
    ws = words(part)
    typed = any(w in _TYPE_OF for w in ws[:-1] + ws[-1:]) or any(w.endswith(_GLUED) for w in ws)
    return typed and (any(_NUMBER.match(w) for w in ws) or len(ws) <= 4)


def _is_untyped_street(part: str) -> bool:
    """ "Am Kanal 47", "Roadstar 16": words then a house number, the words not a room or building part."""
    ws = words(part)
    return len(ws) >= 2 and bool(_NUMBER.match(ws[-1])) and not set(ws[:-1]) <= GENERIC


def _kind(part: str) -> str:
    trailing = _TRAILING_POSTCODE.match(part)
    if trailing and (_is_typed_street(trailing["street"]) or _is_untyped_street(trailing["street"])):
        return "trailing"
    if _is_typed_street(part):
        return "street"
    if _postcode_part(part):
        return "postcode"
    return "untyped" if _is_untyped_street(part) else "other"


def read_venue(
    location: str | None,
    *,
    postcode: str | None = None,
    city: str | None = None,
    country: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    source: str | None = None,
) -> Venue | None:
    """The venue an event's location text (and the address fields its source gave) describes; None when the text
    is empty or names an online event."""
    text = squash(html.unescape(location or "")) or ""  # raw text: entities not decoded yet
    if not text or re.fullmatch(r"(?i)online|virtual|zoom|teams|https?://\S+", text):
        return None
    venue = Venue(text=text, postcode=postcode, city=city, country=country, source=source)
    venue.latitude, venue.longitude = latitude, longitude
    parts = [squash(_FLOOR.sub(" ", p)) or "" for p in _SPLIT.split(text)]
    parts = [p.strip(" .-") for p in parts if p.strip(" .-")]
    kinds = [_kind(p) for p in parts]
    # The street: a part with a street type, else words and a house number; whatever comes before it names the
    # venue, what follows it is the city (unless a postcode part says so) and then the country.
    at = next((i for i, k in enumerate(kinds) if k in ("trailing", "street")), None)
    if at is None:
        at = next((i for i, k in enumerate(kinds) if k == "untyped" and i), None)
    first_address = min(
        [i for i, k in enumerate(kinds) if k in ("trailing", "postcode")] + [at or len(parts)]
    )
    names = [
        p for i, p in enumerate(parts[:first_address]) if i != at and not _room(p) and not _NUMBER.match(p)
    ]
    for index, (part, kind) in enumerate(zip(parts, kinds, strict=True)):
        if index == at and kind == "trailing":
            match = _TRAILING_POSTCODE.match(part)
            venue.street = match["street"]
            _set_postcode(venue, match["code"], match["city"])
        elif index == at:  # "16, Rue De Clichy": a house number written as its own part
            number = parts[index - 1] if index and _NUMBER.match(parts[index - 1]) else None
            venue.street = f"{number} {part}" if number else part
        elif kind == "postcode" and index >= first_address:
            code, named_city = _postcode_part(part) or ("", None)
            _set_postcode(venue, code, named_city)
            if not venue.city and index and index - 1 != at and parts[index - 1] not in names:
                venue.city = parts[index - 1]  # "Cleveland, OH 44114"
        elif at is not None and index == at + 1 and kind == "other" and not venue.city:
            venue.city = part if "postcode" not in kinds[index + 1 : index + 2] else None
    venue.name = " ".join(names) or None
    venue.tokens = name_tokens(venue.name)
    return venue


def _room(part: str) -> bool:
    """ "Seminarraum", "Conference Room 'B'": room words, with at most a letter ("Haus 5" names a building)."""
    return {w for w in words(part) if not (len(w) == 1 and w.isalpha())} <= GENERIC


def _postcode_part(part: str) -> tuple[str, str | None] | None:
    for pattern in (_POSTCODE_CITY, _STATE_ZIP, _CITY_POSTCODE, _UK_POSTCODE):
        match = pattern.match(part)
        if match:
            return match["code"], (match.groupdict().get("city") or None)
    return None


def _set_postcode(venue: Venue, code: str, city: str | None) -> None:
    venue.postcode = venue.postcode or code.replace(" ", "").upper()
    if city and not venue.city:
        venue.city = squash(city)


def venue_of(record: dict[str, Any]) -> Venue | None:
    """The venue of a raw record (its location text, postal code, city, country and coordinates)."""
    return read_venue(
        record.get("location"),
        postcode=record.get("postal_code"),
        city=record.get("city"),
        country=record.get("country"),
        latitude=record.get("latitude"),
        longitude=record.get("longitude"),
        source=record.get("source"),
    )
