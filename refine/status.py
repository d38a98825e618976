"""Status of an item at `now`: the source's word for terminal states, the dates for everything else.

Rules, in order (the source's hint usually comes from the notice type: an award or result notice, a
cancellation, a contract completion; the notice type wins over the dates):
1. The source says cancelled or awarded: that is final (dates cannot tell it). An event's organiser may say it in
   the title instead ("Concert annulé : …", "Meeting – CANCELLED": cancelled_in_title, applied by
   refine.stages.status_stage for events of every family).
2. The deadline has passed (a call/tender), or the event is over (an event without an end lasts until the end
   of the day it starts, local time): closed. The source says closed (a call/tender): closed, whatever the
   dates (calls close early; a completed contract has no date ahead that would reopen it).
3. Publication or opening (starts_at of a call/tender) is still ahead: forthcoming.
4. The source says forthcoming and gives no opening date that has passed: forthcoming; except a prior information
   notice (hint "prior information") with a deadline still ahead: a date to express interest or apply by makes it a
   call for competition, open (the parser sees the structured dates, refine also finds one in the text).
5. A tender, or an announcement the source calls forthcoming (planned, prior information), with no deadline
   and no opening date, published more than STALE_AFTER ago: closed. A prior information notice covers at most
   the 12 months after it is sent (Directive 2014/24/EU, art. 48) and a tender notice says when offers are due: a
   2017 planning record is not forthcoming in 2026. Calls are left open (rolling calls have no deadline), and
   so is a notice whose stated deadline refine set aside as implausible (a qualification system "until 2099").
6. Otherwise open (an item being published is open unless something says otherwise).
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

# Source vocabulary (TED, e-Procurement, SEDIA, OCDS, feeds) -> our statuses.
_HINTS = {
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "cancellation": "cancelled",
    "withdrawn": "cancelled",
    "annulé": "cancelled",
    "annule": "cancelled",
    "annulée": "cancelled",
    "geannuleerd": "cancelled",
    "unsuccessful": "cancelled",
    "ingetrokken": "cancelled",
    "awarded": "awarded",
    "award": "awarded",
    "complete": "awarded",
    "attribué": "awarded",
    "attribue": "awarded",
    "gegund": "awarded",
    "can": "awarded",
    "result": "awarded",
    "contract award": "awarded",
    "closed": "closed",
    "clos": "closed",
    "clôturé": "closed",
    "cloture": "closed",
    "gesloten": "closed",
    "expired": "closed",
    "forthcoming": "forthcoming",
    "planned": "forthcoming",
    "planning": "forthcoming",
    "upcoming": "forthcoming",
    "à venir": "forthcoming",
    "gepland": "forthcoming",
    "pin": "forthcoming",
    "prior information": "forthcoming",
    "prior-information": "forthcoming",
    "open": "open",
    "active": "open",
    "ouvert": "open",
    "tender": "open",
    "ongoing": "open",
}
STALE_AFTER = timedelta(days=365)
STATUS_AGED_OUT = "status_aged_out"  # the item's flag when rule 5 closed it
TERMINAL = ("cancelled", "awarded")  # final states only the source can tell
PRIOR_INFORMATION = frozenset({"prior information", "prior-information", "pin"})


# A cancellation written into an event's title by its organiser ("Board Meeting – CANCELLED", "Concert annulé :
# …", "GEANNULEERD - Voorstelling"): the word stands apart, at an end of the title or before a separator.
_CANCELLED_WORD = r"(?:cancell?ed|annul[ée]e?s?|geannuleerd|afgelast|abgesagt)"
_CANCELLED_TITLE = re.compile(
    rf"^\W*{_CANCELLED_WORD}\s*[:!–—\-)\]]|[–—\-:(\[|]\s*{_CANCELLED_WORD}\W*$|\b{_CANCELLED_WORD}\s*[:!–—]"
    # French and Dutch put the word after the noun ("Vernissage annulé", "Voorstelling afgelast"); English
    # "… get cancelled" at the end is as often a topic, so it needs a separator
    r"|\s(?:annul[ée]e?s?|geannuleerd|afgelast)\W*$",
    re.I,
)


def cancelled_in_title(title: str | None) -> bool:
    """The title says the event is cancelled (a word set apart, not "Cancelled flights: an exhibition")."""
    # a JSON-LD name may still hold its page's entities ("Meeting&#8211;CANCELLED")
    return bool(title) and _CANCELLED_TITLE.search(html.unescape(title or "")) is not None


def normalise_hint(hint: object) -> str | None:
    if not hint:
        return None
    return _HINTS.get(str(hint).strip().lower())


def compute_status(
    kind: str,
    hint: object,
    now: datetime,
    *,
    published: datetime | None = None,
    deadline: datetime | None = None,
    starts: datetime | None = None,
    ends: datetime | None = None,
    deadline_set_aside: bool = False,
    flags: list[str] | None = None,
) -> str:
    """The status at `now` (module docstring). `deadline_set_aside`: the source stated a deadline that refine set
    aside as implausible, so rule 5 does not apply (a qualification system "until 2099" runs for years).
    `flags`: the item's, given STATUS_AGED_OUT when rule 5 decides, so that a person sees why."""
    source = normalise_hint(hint)
    if source in TERMINAL:
        return source
    if kind == "event":
        over = ends or (starts.replace(hour=23, minute=59, second=59) if starts else None)
        if over is not None and over < now:
            return "closed"
        if published is not None and published > now:
            return "forthcoming"
        if source == "closed" or (source == "forthcoming" and over is None):
            return source
        return "open"
    if (deadline is not None and deadline < now) or source == "closed":
        return "closed"  # closed early, or the source knows better than a stale deadline
    if (published is not None and published > now) or (starts is not None and starts > now):
        return "forthcoming"
    if not deadline_set_aside and _aged_out(kind, source, now, published, deadline, starts):
        if flags is not None and STATUS_AGED_OUT not in flags:
            flags.append(STATUS_AGED_OUT)
        return "closed"
    if source == "forthcoming" and starts is None:
        prior = str(hint).strip().lower() in PRIOR_INFORMATION
        return "open" if prior and deadline is not None else "forthcoming"
    return "open"


def _aged_out(
    kind: str,
    source: str | None,
    now: datetime,
    published: datetime | None,
    deadline: datetime | None,
    starts: datetime | None,
) -> bool:
    """Rule 5: a tender or a forthcoming announcement with no date ahead, published more than STALE_AFTER ago."""
    if deadline is not None or starts is not None or published is None:
        return False
    return (kind == "tender" or source == "forthcoming") and now - published > STALE_AFTER
