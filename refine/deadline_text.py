"""Deadlines found in free text (FR/NL/EN/DE month names, numeric dates, times and time-zone words).

Text extraction is keyword-anchored: a date counts as a deadline only when a deadline word in fr/nl/en (date
limite, clôture, uiterste, tot en met, deadline, closes...) is the nearest cue before it in the same clause, and
no other cue (publication, info session, start, event) sits between them. Month names come from our own tables and
the date must have day, month and year: dateparser is neither needed nor trusted here (stack.md §5: it invents
days), and this is ~50x faster.

- "CET"/"CEST"/"Brussels time" after a time is read as Brussels local time (with its summer offset), because that
  is what Belgian and EU publishers mean when they write "17:00 CET" in June; "UTC"/"GMT" is UTC.
- "avant le 1er octobre" / "vóór 1 oktober" keeps the stated day as the deadline (the convention of the portals).
- A deadline without a time is 23:59:59 local that day, precision "date".
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from functools import lru_cache

from refine import deadline_cues as cues
from refine.timestamps import zone
from vigie.core.months import MONTHS

_DAY_SUFFIX = r"(?:er|ère|re|e|ste|de|st|nd|rd|th)?"
_MONTH_WORD = r"[^\W\d_]{3,10}"
# Dates are found from their year backwards: the costly part of a date pattern (month names in seven languages)
# then only runs on the few characters in front of a year, and years are found with str.find, which is ~20x
# faster than any regular expression scan of a long summary.
_NUMERIC_BEFORE = re.compile(r"(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2$")
_NUMERIC_SHORT = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{2})(?![\d/])")  # 02/05/27
_ISO_TAIL = re.compile(r"-(\d{2})-(\d{2})(?!\d)")
_BEFORE_YEAR = re.compile(
    rf"(?:(?P<d1>\d{{1,2}}){_DAY_SUFFIX}\.?(?:\s+(?:of\s+|de\s+)?|-)(?P<m1>{_MONTH_WORD})\.?,?"
    rf"|(?P<m2>{_MONTH_WORD})\.?\s+(?P<d2>\d{{1,2}}){_DAY_SUFFIX},?)(?:\s+|-)$",
    re.IGNORECASE,
)
_TIME = (
    r"(?:\s*(?:,|à|a|om|at|by|before|avant|vóór|voor|to|-|–|\()?\s*"
    r"(?:(?P<h2>\d{1,2})(?:[:.](?P<mi2>\d{2}))?\s*(?P<ampm>[ap]\.?m\b\.?)"
    r"|(?P<h1>\d{1,2})\s*(?:[:hH.u]\s*(?P<mi1>\d{2})|[hHu]\b|[hH](?=\s)|u(?=\s))(?:\s*(?:uur|heures?|hrs?)\b)?"
    r"|(?P<h3>\d{1,2})\s*(?:heures?|uur|hours?)\b(?:\s*['’]s\s*(?P<pm>middags|avonds|namiddags))?"
    r"|(?P<noon>midi|noon|middag)"
    r"|(?P<midnight>minuit|midnight|middernacht)))?"
    r"(?:\s*\(?\s*(?P<tz>CEST|CET|UTC|GMT|Brussels time|heure de Bruxelles|heure belge|Belgian time|"
    r"Brusselse tijd|Belgische tijd)\b\)?)?"
)
_TIME_RE = re.compile(_TIME, re.IGNORECASE)
# A time written before the date: "avant 12h00 le 15 mars 2027", "at 5pm on 1 June 2027".
_WEEKDAY = (
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|"
    r"zondag|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)
_TIME_BEFORE = re.compile(
    r"(?:(?P<h>\d{1,2})\s*(?:[:hHu]\s*(?P<mi>\d{2})?|(?P<ampm>[ap]\.?m\.?))(?:\s*(?:uur|hours?|hrs?|heures?))?"
    r"|(?P<noon>noon|midday|midi|middag)|(?P<midnight>midnight|minuit|middernacht))"
    r"(?:\s*\(?(?:CEST|CET|Brussels\s+time|heure\s+de\s+Bruxelles|Brusselse\s+tijd)\)?)?\s*(?:le|on|op|the|,)?"
    rf"(?:\s*{_WEEKDAY},?)?\s*$",
    re.IGNORECASE,
)

# The end of a period for applying, with no deadline word: "du 17 février au 27 mars 2020 ... leurs demandes",
# "applications are open 15th April – 15th May 2025".
_RANGE_END = re.compile(
    rf"\d{{1,2}}{_DAY_SUFFIX}\.?(?:\s+{_MONTH_WORD}\.?)?,?\s*(?:au|to|till|until|–|-|tot(?:\s+en\s+met)?|t/m)\s*$",
    re.IGNORECASE,
)
# Between the two dates of a changed or ranged deadline.
_RANGE_LINK = re.compile(
    r"\s*(?:in|naar|tot(?:\s+en\s+met)?|t/m|to|until|au|à|jusqu['’]au|-|–)\s*", re.IGNORECASE
)
_CLAUSE_END = re.compile(r"[.!?]\s+(?=[A-ZÀ-Ý])|[\n;|•]")
_WINDOW = 90
_WIDE_WINDOW = 240
_UTC_NAMES = frozenset({"utc", "gmt"})


def find_deadline(text: str, tz_name: str | None = None) -> tuple[datetime, str] | None:
    """The first deadline stated in free text as (aware datetime, precision), or None.

    >>> find_deadline("Date limite de dépôt : 15 mars 2027 à 12h00")[0].isoformat()
    '2027-03-15T12:00:00+01:00'
    """
    if not text:
        return None
    dates = [found for found in (_date_at(text, *anchor) for anchor in _anchors(text)) if found is not None]
    for index, (start, end, the_day) in enumerate(dates):
        if not _is_deadline_context(text, start, end):
            continue
        # "gewijzigd van 15 maart 2020 in 15 mei 2020", "from 1 to 30 June 2027": the later date closes it
        later = dates[index + 1] if index + 1 < len(dates) else None
        if later is not None and later[2] >= the_day and _RANGE_LINK.fullmatch(text, end, later[0]):
            start, end, the_day = later
        return _with_time(text, start, end, the_day, tz_name)
    return None


def _anchors(text: str) -> list[tuple[int, int, re.Match[str] | None]]:
    """Positions of years 20xx, and of numeric dates with a two-digit year, in text order."""
    found: list[tuple[int, int, re.Match[str] | None]] = []
    length = len(text)
    i = text.find("20")
    while i != -1:
        j = i + 4
        if (
            j <= length
            and text[i + 2 : j].isdigit()
            and (i == 0 or not text[i - 1].isdigit())
            and (j == length or not text[j].isdigit())
        ):
            found.append((i, j, None))
        i = text.find("20", i + 1)
    slash = text.find("/")
    if slash != -1:
        while slash != -1:
            match = _NUMERIC_SHORT.search(text, max(0, slash - 2), slash + 7)
            if match is not None:
                found.append((match.start(), match.end(), match))
                slash = text.find("/", match.end())
            else:
                slash = text.find("/", slash + 1)
        found.sort(key=lambda anchor: anchor[0])
    return found


def _date_at(text: str, start: int, end: int, short: re.Match[str] | None) -> tuple[int, int, date] | None:
    """(start, end, date) of the full date around an anchor, or None (no date, or an impossible one)."""
    if short is not None:
        try:
            return start, end, date(2000 + int(short[3]), int(short[2]), int(short[1]))
        except ValueError:
            return None
    # Read from the few characters around the year (_date_near's patterns look no further): the same dates come
    # back across the notices of a source, and the month-name pattern is the costly part.
    low = max(0, start - _DATE_BEFORE)
    found = _date_near(text[low : end + _DATE_AFTER], start - low, end - low)
    return None if found is None else (found[0] + low, found[1] + low, found[2])


_DATE_BEFORE = 33  # _BEFORE_YEAR searches 32 characters before the year; _NUMERIC_BEFORE's look-behind, 7
_DATE_AFTER = 7  # _ISO_TAIL: "-mm-dd" and the character after it


@lru_cache(maxsize=16384)
def _date_near(text: str, start: int, end: int) -> tuple[int, int, date] | None:
    try:
        year = int(text[start:end])
        iso = _ISO_TAIL.match(text, end)
        if iso:
            return start, iso.end(), date(year, int(iso[1]), int(iso[2]))
        numeric = _NUMERIC_BEFORE.search(text, max(0, start - 6), start)
        if numeric:
            return numeric.start(), end, date(year, int(numeric[3]), int(numeric[1]))
        before = _BEFORE_YEAR.search(text, max(0, start - 32), start)
        if before is None:
            return None
        month = MONTHS.get((before["m1"] or before["m2"]).lower())
        if month is None:
            return None
        return before.start(), end, date(year, month, int(before["d1"] or before["d2"]))
    except ValueError:
        return None  # 31/02, month 13: not a date, and not something to guess


def _is_deadline_context(text: str, start: int, end: int) -> bool:
    """The nearest cue before the date in its clause is a deadline cue and the clause is not about completing
    works; with no cue before it, a submission verb after it ("... op 15 januari 2019 in te dienen")."""
    window = text[max(0, start - _WINDOW) : start]
    ends = list(_CLAUSE_END.finditer(window))
    if ends:
        window = window[ends[-1].end() :]
    after = text[end : end + _WINDOW]
    cut = _CLAUSE_END.search(after)
    after = after[: cut.start()] if cut else after
    last = None
    for last in cues.CUE_RE.finditer(window):  # noqa: B007 - the nearest cue before the date decides
        pass
    if last is None and cues.COPULA.search(window):
        # "Deadline for applying for prequalification within the Qualification System ... is 12.4.2016": a long
        # subject between the deadline word and "is": the clause's first cue, when it is a strong deadline word
        wide = text[max(0, start - _WIDE_WINDOW) : start]
        wide = wide[ends[-1].end() :] if (ends := list(_CLAUSE_END.finditer(wide))) else wide
        first = cues.CUE_RE.search(wide)
        if (
            first is not None
            and first.group("deadline")
            and not cues.WEAK_CUE.fullmatch(first.group("deadline"))
        ):
            return not cues.NOT_SUBMISSION.search(f"{wide} {after}")
    if last is None or last.group("other") is not None:
        # No deadline word: a submission verb after the date, or the end of a period for applying.
        if last is None and cues.SUBMIT_AFTER.search(after) is not None:
            return True
        clause = f"{window} {after}"
        if (
            cues.CUE_AFTER.match(_TIME_RE.sub("", after[:40], count=1))
            and cues.APPLICATION.search(clause) is not None
        ):
            return True
        if cues.BEFORE_DATE.search(window) and cues.APPLICATION.search(clause) is not None:
            return True
        return bool(_RANGE_END.search(text, max(0, start - 24), start)) and bool(
            cues.APPLICATION.search(clause)
        )
    if cues.NOT_SUBMISSION.search(f"{window} {after}"):
        return False
    if cues.WEAK_CUE.fullmatch(last.group("deadline")):
        before = window[: last.start()]
        return not cues.OTHER_SUBJECT.search(before) or bool(cues.APPLICATION.search(before))
    return True


def _with_time(text: str, start: int, end: int, the_day: date, tz_name: str | None) -> tuple[datetime, str]:
    g = _TIME_RE.match(text, end).groupdict()  # type: ignore[union-attr]  # all optional: always matches
    clock = _clock(g)
    if clock is None:
        before = _TIME_BEFORE.search(text[max(0, start - 25) : start])
        if before:
            clock = _clock(
                {
                    "h1": before["h"],
                    "mi1": before["mi"],
                    "ampm": before["ampm"],
                    "h2": before["h"],
                    "mi2": before["mi"],
                    "noon": before["noon"],
                    "midnight": before["midnight"],
                }
            )
    tz = UTC if (g["tz"] or "").lower() in _UTC_NAMES else zone(tz_name)
    if clock is None:
        return datetime.combine(the_day, time(23, 59, 59), tzinfo=tz), "date"
    return datetime.combine(the_day, clock, tzinfo=tz), "datetime"


def _clock(g: dict[str, str | None]) -> time | None:
    try:
        if g.get("noon"):
            return time(12, 0)
        if g.get("midnight"):
            return time(23, 59, 59)
        if g.get("ampm"):
            hour = int(g["h2"] or 0)
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if g["ampm"].lower().startswith("p") else 0)
            return time(hour, int(g.get("mi2") or 0))
        if g.get("h1"):
            return time(int(g["h1"]), int(g.get("mi1") or 0))
        if g.get("h3"):
            hour = int(g["h3"])
            return time(hour + 12 if g.get("pm") and hour < 12 else hour, 0)
    except ValueError:
        return None
    return None
