"""RFC 822 dates written in the feed's own language: `Seg, 24 Set 2018 19:42:40 -0300` (UOL, Portuguese),
`mer., 12 févr. 2020 10:00:00 +0100`, `ma, 24 sep 2018 …`, `Mo, 24 Okt 2016 …`. feedparser (and email.utils) know
English names only, so such a feed lost every entry's date. The weekday is dropped (it is redundant), the month
name translated from French, Dutch, German, Portuguese, Spanish or Italian, and the date read again; a text that
still does not read gives None, as before.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from vigie.core.months import MONTHS
from vigie.core.text import fold

_ENGLISH = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SHAPE = re.compile(r"^\s*(?:[^\d\s,]+\.?,?\s+)?(\d{1,2})\s+([^\d\s.]+)\.?\s+(\d{4})\s+(.*)$")


def localized_rfc822(value: object) -> datetime | None:
    """The moment a non-English RFC 822 date means, in UTC; None when it is not one."""
    if not isinstance(value, str):
        return None
    match = _SHAPE.match(value)
    if not match:
        return None
    day, month, year, rest = match.groups()
    number = MONTHS.get(fold(month).lower())
    if number is None:
        return None
    try:
        moment = parsedate_to_datetime(f"{day} {_ENGLISH[number]} {year} {rest}")
    except (TypeError, ValueError, IndexError):
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
