"""Month names in the languages of the dates Vigie reads in words, each to its number: one table for every reader
of such dates (refine.deadline_text in free text, spiders.parsers.feed_dates in feeds' RFC 822 dates written in
the feed's language).

Names are lower case, with and without their accents ("février", "fevrier"), full and abbreviated as publishers
write them (French, Dutch, English, German, Portuguese, Spanish, Italian). A reader looks a word up after
lower-casing it (or folding it: refine's fold gives the unaccented forms listed here).
"""

from __future__ import annotations

_NAMES = (
    "janvier janv jan januari january januar jänner janeiro enero ene gennaio gen",
    "février fevrier févr fevr fév fev februari february feb februar fevereiro febrero febbraio",
    "mars maart mrt march mar märz marz maerz março marco marzo",
    "avril avr april apr abril abr aprile",
    "mai mei may maio mayo maggio mag",
    "juin juni june jun junho junio giugno giu",
    "juillet juil juli july jul julho julio luglio lug",
    "août aout augustus august aug agosto ago",
    "septembre september sept sep setembro septiembre settembre set",
    "octobre oktober october oct okt outubro octubre ottobre out ott",
    "novembre november nov novembro noviembre",
    "décembre decembre déc dec december dezember dez dezembro diciembre dicembre dic",
)

MONTHS: dict[str, int] = {name: number for number, names in enumerate(_NAMES, 1) for name in names.split()}
