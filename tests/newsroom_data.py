"""What the newsroom tests share: a warehouse with a Dutch-speaking digest bigger than its sections, a themes
file with small sections and a list address, an account, and a logged-in HTTP client's helpers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from factories import make_item

from service.newsroom.accounts import add_user
from warehouse.store import Warehouse

T0 = datetime(2027, 2, 20, 6, 0, tzinfo=UTC)  # when the items were collected
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # the newsroom's clock
USER, PASSWORD, EMAIL = "marie", "een lang wachtwoord", "marie@smart.example"
LIST = "digest-nl@lists.smart.example"

THEMES = """
[settings]
unsubscribe_url = "https://smart.example/newsletters/preferences"
organisation = "Smart"

[[theme]]
id = "digest"
cadence = "weekly"
title = { fr = "Vigie — l'essentiel", nl = "Vigie — het overzicht", en = "Vigie — at a glance" }
intro = { fr = "Intro du thème.", nl = "Inleiding van het thema.", en = "Theme intro." }
filters = {}
sections = { closing_soon = 2, new = 2, events = 1, closing_days = 21, event_days = 60 }
list_address = { nl = "LIST" }
""".replace("LIST", LIST)


def _nl(n: int, title: str, **extra: Any) -> dict[str, Any]:
    return make_item(
        n,
        language="nl",
        title=title,
        texts={"nl": {"title": title, "summary": f"Samenvatting {n}."}},
        **extra,
    )


# Deadlines in the closing-soon window (21 days from NOW) for 1-3, later for 4-6; one event.
ITEMS = [
    _nl(1, "Oproep podiumkunsten Gent", deadline_at="2027-03-05T12:00:00+01:00"),
    _nl(2, "Beurs muziekcreatie", deadline_at="2027-03-08T12:00:00+01:00"),
    _nl(3, "Residentie Antwerpen", deadline_at="2027-03-12T12:00:00+01:00"),
    _nl(4, "Subsidie documentaire", deadline_at="2027-04-20T12:00:00+02:00"),
    _nl(5, "Opdracht grafisch ontwerp", kind="tender", deadline_at="2027-05-02T12:00:00+02:00"),
    _nl(6, "Prijs jonge fotografen", deadline_at="2027-05-20T12:00:00+02:00"),
    _nl(
        7,
        "Netwerkavond freelancers",
        kind="event",
        deadline_at=None,
        starts_at="2027-03-04T18:00:00+01:00",
        location="Brussel",
    ),
]
TITLES = {item["id"]: item["title"] for item in ITEMS}


def setup_home(home: Path, tmp: Path) -> Path:
    """Loads ITEMS, writes the themes file, adds the account; returns the themes file."""
    warehouse = Warehouse(home)
    warehouse.load(ITEMS, "run-1", now=T0)
    warehouse.publish(exports=False)
    themes = tmp / "themes.toml"
    themes.write_text(THEMES, encoding="utf-8")
    add_user(home, USER, EMAIL, PASSWORD)
    return themes


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf_token field on the page"
    return found.group(1)
