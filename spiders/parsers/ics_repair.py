"""Text-level repairs of calendars as exporters really write them, before icalendar reads them. Each repair names
the class of file it is for, and leaves a well-formed calendar untouched (each looks for its damage first).

- cut short (a download or an export interrupted): the components still open at the cut are closed; one cut inside
  a VEVENT loses that VEVENT only (its last lines are missing, its dates may be half written).
- blank TZID (Microsoft Exchange 2010 exports: `TZID:` in the VTIMEZONE, `DTSTART;TZID=:20150826T090000`): icalendar
  refuses the whole file ("mandatory TZID not found"). A single nameless VTIMEZONE is the zone those times mean:
  it is given a name, and the empty parameters name it. Several nameless ones cannot be told apart: they are
  dropped and the parameters removed, so the times are floating local times, read like any other.
- two zones in one VTIMEZONE (The Events Calendar 6 for WordPress: `TZID:UTC`, its rules, then `TZID:America/Chicago`
  and its rules, all in one component): icalendar refuses the whole file. The component is split in two at its
  second TZID.
- components Vigie does not read (VFREEBUSY, VTODO, VJOURNAL) are dropped first: a broken busy period (ics-parser's
  sample: `FREEBUSY:20170623T070000Z/20170223T110000Z`, an end before its start) made icalendar refuse the file
  and its 21 events.
- a quoted TZID that swallows the value (Outlook: `DTSTART;TZID="W. Europe Standard Time:20200609T090000"`): the
  event has no readable start. The closing quote goes back before the value.
- a zone named by its Outlook display name and defined nowhere in the file (`TZID="(UTC-05:00) Eastern Time (US
  and Canada)"`): icalendar leaves the time naive, read as Brussels time. The parameter is given the IANA zone the
  name means (spiders.parsers.ics_zones), which recurrences keep too.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from spiders.parsers.ics_zones import display_zone

_LINE = re.compile(r"^(BEGIN|END):([A-Z-]+)\s*$", re.I)
_BLANK_TZID_PARAM = re.compile(r";TZID=(?=[:;])", re.I)
_VTIMEZONE = re.compile(r"^BEGIN:VTIMEZONE\s*?$.*?^END:VTIMEZONE\s*?$\n?", re.I | re.M | re.S)
_BLANK_TZID_LINE = re.compile(r"^TZID:\s*$", re.I | re.M)
_TZID_LINE = re.compile(r"^TZID:[^\r\n]*\r?\n", re.I | re.M)
_UNREAD_BEGIN = re.compile(r"^BEGIN:(?:VFREEBUSY|VTODO|VJOURNAL)\s*$", re.I | re.M)
_UNREAD = re.compile(r"^BEGIN:(VFREEBUSY|VTODO|VJOURNAL)\s*?$.*?^END:\1\s*?$\n?", re.I | re.M | re.S)
_SWALLOWED = re.compile(r';TZID="([^":\r\n]+):(\d{8}(?:T\d{4,6}Z?)?)"[ \t]*$', re.I | re.M)
_DISPLAY_TZID = re.compile(
    r';TZID=(?:"(\(\s*(?:UTC|GMT)[^"\r\n]*)"|(\(\s*(?:UTC|GMT)[^)\r\n]*\)[^":;\r\n]*))(?=[:;])', re.I
)
UNNAMED = "Unnamed-VTIMEZONE"  # the name a nameless VTIMEZONE is given


def repair(text: str) -> str:
    """The calendar text with the damage of the classes above repaired."""
    if _UNREAD_BEGIN.search(text):
        text = _UNREAD.sub("", text)
    text = _SWALLOWED.sub(r';TZID="\1":\2', text)
    if _DISPLAY_TZID.search(text):
        text = _DISPLAY_TZID.sub(lambda m: _iana_tzid(m, text), text)
    if _BLANK_TZID_PARAM.search(text) or _BLANK_TZID_LINE.search(text):
        nameless = [m for m in _VTIMEZONE.finditer(text) if _BLANK_TZID_LINE.search(m.group(0))]
        if len(nameless) == 1:
            text = _BLANK_TZID_LINE.sub(f"TZID:{UNNAMED}", text)
            text = _BLANK_TZID_PARAM.sub(f";TZID={UNNAMED}", text)
        else:
            text = _BLANK_TZID_PARAM.sub("", text)
            text = _VTIMEZONE.sub(lambda m: "" if _BLANK_TZID_LINE.search(m.group(0)) else m.group(0), text)
    if _VTIMEZONE.search(text):
        text = _VTIMEZONE.sub(lambda m: _split_zones(m.group(0)), text)
    if re.search(r"^\s*BEGIN:VCALENDAR", text, re.I) and not re.search(
        r"^END:VCALENDAR\s*$", text, re.I | re.M
    ):
        text = close_cut(text)
    return text


def _iana_tzid(match: re.Match[str], text: str) -> str:
    name = (match.group(1) or match.group(2)).strip()
    if re.search(rf"^TZID:\s*\"?{re.escape(name)}\"?\s*$", text, re.I | re.M):
        return match.group(0)  # the file defines it: its VTIMEZONE wins
    zone = display_zone(name)
    if isinstance(zone, ZoneInfo):
        return f";TZID={zone.key}"
    offset = zone.utcoffset(None) if zone is not None else None
    if offset is not None and not offset.total_seconds() % 3600:
        hours = int(offset.total_seconds() // 3600)
        return f";TZID=Etc/GMT{-hours:+d}" if hours else ";TZID=UTC"  # Etc/GMT+5 is UTC-05:00
    return match.group(0)


def close_cut(text: str) -> str:
    """A calendar cut short, closed: a VEVENT (or VTODO, VJOURNAL) open at the cut is dropped, every other open
    component (VCALENDAR, a VTIMEZONE's last rule...) is closed where the text stops."""
    lines = text.rstrip().splitlines()
    stack: list[tuple[str, int]] = []  # (component, index of its BEGIN line)
    for index, line in enumerate(lines):
        match = _LINE.match(line)
        if not match:
            continue
        what, name = match.group(1).upper(), match.group(2).upper()
        if what == "BEGIN":
            stack.append((name, index))
        elif stack and stack[-1][0] == name:
            stack.pop()
    cut_event = next(((n, i) for n, i in stack if n in ("VEVENT", "VTODO", "VJOURNAL")), None)
    if cut_event is not None:
        lines = lines[: cut_event[1]]
        stack = stack[: stack.index(cut_event)]
    return "\r\n".join([*lines, *(f"END:{name}" for name, _ in reversed(stack))]) + "\r\n"


def _split_zones(component: str) -> str:
    """One VTIMEZONE per TZID: a second TZID line (outside the STANDARD/DAYLIGHT rules) starts a new component."""
    tzids = list(_TZID_LINE.finditer(component))
    if len(tzids) < 2:
        return component
    out, start = [], 0
    for match in tzids[1:]:
        out.append(component[start : match.start()] + "END:VTIMEZONE\r\nBEGIN:VTIMEZONE\r\n")
        start = match.start()
    return "".join(out) + component[start:]
