"""Where an event is, as far as the time zone of its naive local times goes: the country (ISO 3166-1 alpha-2) from a
name or a code, and the zone from the place's coordinates, else from the country (vigie.core.timezone) or, in the
United States, the state. A place that says nothing known gives None, and the raw-record convention
(Europe/Brussels) applies."""

from __future__ import annotations

import re

from spiders.parsers._xml import country2
from vigie.core import timezone
from vigie.core.text import fold

# Country names as addresses write them (English, French, Dutch, German and the country's own), folded, "|" between.
# fmt: off
_NAMES = {
    "BE": "belgium|belgique|belgie|belgien", "NL": "netherlands|the netherlands|nederland|pays-bas|niederlande",
    "LU": "luxembourg|luxemburg", "FR": "france|frankrijk|frankreich", "DE": "germany|allemagne|duitsland|deutschland",
    "AT": "austria|autriche|oostenrijk|osterreich", "CH": "switzerland|suisse|zwitserland|schweiz|svizzera",
    "IT": "italy|italie|italien|italia", "ES": "spain|espagne|spanje|spanien|espana", "PT": "portugal",
    "IE": "ireland|irlande|ierland|irland", "GB": "united kingdom|uk|great britain|england|scotland|wales|"
    "royaume-uni|verenigd koninkrijk|grossbritannien", "DK": "denmark|danemark|denemarken|danmark",
    "SE": "sweden|suede|zweden|schweden|sverige", "NO": "norway|norvege|noorwegen|norwegen|norge",
    "FI": "finland|finlande|suomi", "PL": "poland|pologne|polen|polska", "CZ": "czech republic|czechia|tchequie|"
    "tsjechie|tschechien|cesko", "HU": "hungary|hongrie|hongarije|ungarn|magyarorszag", "GR": "greece|grece|"
    "griekenland|griechenland", "RO": "romania|roumanie|roemenie|rumanien", "BG": "bulgaria|bulgarie|bulgarije",
    "HR": "croatia|croatie|kroatie|kroatien|hrvatska", "SI": "slovenia|slovenie|slovenija", "SK": "slovakia|"
    "slovaquie|slowakije|slowakei|slovensko", "EE": "estonia|estonie|eesti", "LV": "latvia|lettonie|letland|latvija",
    "LT": "lithuania|lituanie|litouwen|litauen|lietuva", "IS": "iceland|islande|ijsland|island", "MT": "malta|malte",
    "CY": "cyprus|chypre|zypern", "US": "united states|usa|united states of america|etats-unis|verenigde staten",
    "CA": "canada", "MA": "morocco|maroc|marokko", "TN": "tunisia|tunisie", "TR": "turkey|turkiye|turquie|turkije",
    "UA": "ukraine|oekraine", "RS": "serbia|serbie", "MC": "monaco", "SG": "singapore|singapour",
    "AD": "andorra|andorre", "SM": "san marino|saint-marin", "VA": "vatican|vatican city|cite du vatican",
    "HK": "hong kong", "JP": "japan|japon", "KR": "south korea|coree du sud|zuid-korea", "IL": "israel",
    "ZA": "south africa|afrique du sud|zuid-afrika", "SN": "senegal", "RW": "rwanda",
    "CD": "democratic republic of the congo|dr congo|rd congo|republique democratique du congo",
    "CI": "cote d'ivoire|ivory coast|ivoorkust", "DZ": "algeria|algerie|algerije", "EG": "egypt|egypte",
}
_BY_NAME = {name: code for code, names in _NAMES.items() for name in names.split("|")}
# One zone per state: the zone most of the state lives in.
_EASTERN = "CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV"
_CENTRAL = "AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI"
_MOUNTAIN = "CO MT NM UT WY ID"
US_STATES = {
    **dict.fromkeys(_EASTERN.split(), "America/New_York"), **dict.fromkeys(_CENTRAL.split(), "America/Chicago"),
    **dict.fromkeys(_MOUNTAIN.split(), "America/Denver"), "AZ": "America/Phoenix", "CA": "America/Los_Angeles",
    "NV": "America/Los_Angeles", "OR": "America/Los_Angeles", "WA": "America/Los_Angeles", "AK": "America/Anchorage",
    "HI": "Pacific/Honolulu",
}
_STATES = (
    "alabama=AL|alaska=AK|arizona=AZ|arkansas=AR|california=CA|colorado=CO|connecticut=CT|delaware=DE|"
    "florida=FL|georgia=GA|hawaii=HI|idaho=ID|illinois=IL|indiana=IN|iowa=IA|kansas=KS|kentucky=KY|"
    "louisiana=LA|maine=ME|maryland=MD|massachusetts=MA|michigan=MI|minnesota=MN|mississippi=MS|missouri=MO|"
    "montana=MT|nebraska=NE|nevada=NV|new hampshire=NH|new jersey=NJ|new mexico=NM|new york=NY|"
    "north carolina=NC|north dakota=ND|ohio=OH|oklahoma=OK|oregon=OR|pennsylvania=PA|rhode island=RI|"
    "south carolina=SC|south dakota=SD|tennessee=TN|texas=TX|utah=UT|vermont=VT|virginia=VA|washington=WA|"
    "west virginia=WV|wisconsin=WI|wyoming=WY|district of columbia=DC"
)
# fmt: on
_STATE_NAMES = dict(pair.split("=") for pair in _STATES.split("|"))
# "Cleveland, OH 44114", "Chicago, Illinois", "Chicago, IL": a US city, its state, maybe a ZIP code.
_US_ADDRESS = re.compile(
    r",\s*(" + "|".join(sorted(US_STATES)) + r"|" + "|".join(n.title() for n in _STATE_NAMES) + r")\.?"
    r"(?:\s+\d{5}(?:-\d{4})?)?\s*(?:,\s*(?:USA|US|United States))?\s*(?=$|[,;\n)])"
)


# A US address anywhere in a page's text (a footer, a contact block, a meeting notice): "Chicago, IL 60602" (with its
# ZIP code) or "Chicago, Illinois" (a state's full name; not Washington or Georgia, which name other places too).
_US_IN_PAGE = re.compile(
    r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*,\s*(?:("
    + "|".join(sorted(US_STATES))
    + r")\s+\d{5}(?:-\d{4})?\b|("
    + "|".join(n.title() for n in _STATE_NAMES if n not in ("washington", "georgia"))
    + r")\b)"
)


def in_page(text: str) -> tuple[str, str | None] | None:
    """("US", state) when a page's text gives a US address: the page is about a place there (a city council, a
    county board). Other countries' addresses are too ambiguous in running text to be read this way."""
    match = _US_IN_PAGE.search(text)
    return ("US", match.group(1) or us_state(match.group(2))) if match else None


def country_code(value: object) -> str | None:
    """ISO 3166-1 alpha-2 from a code (alpha-2/alpha-3) or a country name; None when unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if len(text) in (2, 3) and text.isalpha():
        return country2(text)
    return _country_name(fold(text).strip(" .").lower())


def _country_name(folded: str) -> str | None:
    return _BY_NAME.get(folded)


def us_state(value: object) -> str | None:
    """The two-letter code of a US state written as a code or a name."""
    if not isinstance(value, str):
        return None
    text = value.strip().strip(".")
    return text.upper() if text.upper() in US_STATES else _STATE_NAMES.get(text.lower())


def in_text(text: object) -> tuple[str, str | None] | None:
    """(country, US state or None) named at the end of an address written as text ("…, 14469 Potsdam, Deutschland",
    "…, Cleveland, OH 44114"); None when it names no known country."""
    if not isinstance(text, str) or not text.strip():
        return None
    match = _US_ADDRESS.search(text)
    if match:
        return "US", us_state(match.group(1))
    words = fold(re.split(r"[,\n]", text.strip())[-1]).lower().replace(".", " ").split()
    code = _country_name(" ".join(words))  # the whole last part: "…, Verenigd Koninkrijk"
    for size in (3, 2, 1):  # after a postal code: "… 12764 Happyville Denmark", never "Rue d'Espagne"
        if code is None and len(words) > size and any(w.isdigit() for w in words[:-size]):
            code = _country_name(" ".join(words[-size:]))
    return (code, None) if code else None


def coordinates(geo: object) -> dict[str, float | None]:
    """latitude and longitude from a schema.org GeoCoordinates, a {"lat", "lng"} pair or an iCalendar GEO value;
    None for both when either is missing, unreadable or out of range (0,0 is a placeholder, never a place)."""
    if isinstance(geo, list):
        geo = geo[0] if geo else None
    if isinstance(geo, dict):
        lat, lon = geo.get("latitude", geo.get("lat")), geo.get("longitude", geo.get("lng", geo.get("lon")))
    else:
        lat, lon = getattr(geo, "latitude", None), getattr(geo, "longitude", None)
    try:
        lat, lon = float(str(lat).strip()), float(str(lon).strip())
    except ValueError:
        return {"latitude": None, "longitude": None}
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return {"latitude": None, "longitude": None}
    return {"latitude": lat, "longitude": lon}


def zone(country: str | None, state: str | None = None) -> str | None:
    """The IANA zone for naive local times at this place, or None (then Europe/Brussels applies)."""
    if country == "US":
        return US_STATES.get(state or "")
    return timezone.country_zone(country)


def locality_country(value: object) -> str | None:
    """The country a locality names when it is one ("Luxembourg", "Monaco", "Singapore"); never from a code: "As"
    and "Spa" are Belgian towns, not American Samoa or an alpha-3."""
    return (
        _country_name(fold(value).strip(" .").lower()) if isinstance(value, str) and value.strip() else None
    )


def locate(
    country: str | None, state: str | None, latitude: float | None, longitude: float | None
) -> tuple[str | None, str | None, float | None, float | None]:
    """(country, zone, latitude, longitude) of a place: `where`, after putting back coordinates written longitude
    first (Last.fm's calendars: `GEO:6.161613;52.255862` for Deventer) when only the swapped pair lies in the
    country the address names."""
    if country and latitude is not None and longitude is not None and abs(longitude) <= 90:
        here = timezone.zone_country(timezone.geo_zone(latitude, longitude))
        if here != country and timezone.zone_country(timezone.geo_zone(longitude, latitude)) == country:
            latitude, longitude = longitude, latitude
    return (*where(country, state, latitude, longitude), latitude, longitude)


def where(
    country: str | None, state: str | None, latitude: float | None, longitude: float | None
) -> tuple[str | None, str | None]:
    """(country, zone) of a place from what its address says and its coordinates. The coordinates give the zone
    (and the country the address left out) when they agree with the address's country: a point in another country
    than the address is a geocoding slip, and the address is what people read."""
    at_point = timezone.geo_zone(latitude, longitude)
    point_country = timezone.zone_country(at_point)
    if at_point and (country is None or point_country == country):
        return country or point_country, at_point
    return country, zone(country, state)
