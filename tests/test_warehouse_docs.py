"""Every SQL example of docs/working-groups.md runs against a published warehouse, and several return the
rows a working group would expect."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from factories import make_item

from warehouse.query import run_query
from warehouse.store import Warehouse

DOC = Path(__file__).resolve().parents[1] / "docs" / "working-groups.md"
BRUSSELS = ZoneInfo("Europe/Brussels")
_EXAMPLE = re.compile(r"^### (\d+)\. (.+?)\n(?:.*?\n)??```sql\n(.*?)```", re.MULTILINE | re.DOTALL)


def examples() -> dict[int, tuple[str, str]]:
    return {int(n): (title, sql) for n, title, sql in _EXAMPLE.findall(DOC.read_text(encoding="utf-8"))}


def test_the_guide_has_at_least_ten_examples() -> None:
    found = examples()
    assert len(found) >= 10
    assert sorted(found) == list(range(1, len(found) + 1))


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("vigie-home")
    now = datetime.now(BRUSSELS)
    month_end = (now.replace(day=28) + timedelta(days=4)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    this_month = now + (month_end - now) / 2
    next_month = month_end + timedelta(days=9, hours=19)
    iso = lambda d: d.isoformat(timespec="seconds")  # noqa: E731
    year = this_month.year
    recurring = dict(organiser="Ville de Liège", sectors=["performing-arts"])
    items = [
        make_item(
            1,
            title=f"Théâtre jeune public {year}",
            deadline_at=iso(this_month),
            **recurring,
            texts={
                "fr": {"title": f"Théâtre jeune public {year}", "summary": "Aide à la création"},
                "nl": {"title": f"Jeugdtheater {year}", "summary": "Creatiesteun"},
            },
        ),
        make_item(
            2,
            title=f"Théâtre jeune public {year - 1}",
            status="closed",
            deadline_at=iso(this_month.replace(year=year - 1)),
            **recurring,
        ),
        make_item(
            3,
            kind="tender",
            organiser="RTBF",
            sectors=["audiovisual"],
            cpv=["92100000"],
            budget_amount=120000.0,
            budget_currency="EUR",
            title="Captation de spectacles",
        ),
        make_item(
            4,
            kind="tender",
            organiser="RTBF",
            sectors=["audiovisual"],
            cpv=["92100000"],
            budget_amount=80000.0,
            budget_currency="EUR",
            title="Sous-titrage",
        ),
        make_item(5, kind="tender", organiser="VRT", sectors=["audiovisual"], title="Ondertiteling"),
        make_item(
            6,
            kind="event",
            deadline_at=None,
            deadline_precision=None,
            starts_at=iso(next_month),
            regions=["BE-BRU"],
            location="Bruxelles",
            title="Rencontre des coopératives",
        ),
        make_item(7, title="Bourse d'écriture", cluster_id="test-source:7"),
        make_item(
            8, title="Bourse d'écriture (relais)", cluster_id="test-source:7", flags=["deadline_implausible"]
        ),
        make_item(9, title="Résidence annulée"),
    ]
    wh = Warehouse(home)
    t0 = datetime.now(UTC) - timedelta(days=2)
    wh.load(items, "run-1", t0)
    later = [
        make_item(
            7, title="Bourse d'écriture", cluster_id="test-source:7", deadline_at="2027-04-15T12:00:00+02:00"
        ),
        make_item(9, title="Résidence annulée", status="cancelled"),
    ]
    wh.load(later, "run-2", t0 + timedelta(days=1))
    wh.quarantine(
        [{"source": "test-source", "native_id": "x", "reason": "title is missing", "record": {}}], "run-2"
    )
    runs = []
    for n, status in enumerate(["ok", "failed", "failed"]):
        at = (t0 + timedelta(hours=n)).isoformat()
        runs.append(
            {
                "run_id": f"run-{n}",
                "source": "agenda-bxl",
                "started_at": at,
                "finished_at": at,
                "status": status,
                "items": 0 if status == "failed" else 12,
                "message": "HTTP 503",
            }
        )
        runs.append(
            {
                "run_id": f"run-{n}",
                "source": "test-source",
                "started_at": at,
                "finished_at": at,
                "status": "ok",
                "items": 9,
            }
        )
    wh.record_source_runs(runs)
    wh.publish()
    return home


@pytest.mark.parametrize("number", sorted(examples()))
def test_each_example_runs(published: Path, number: int) -> None:
    title, sql = examples()[number]
    text = run_query(sql, "json", home=published)
    assert text is not None, title
    assert isinstance(json.loads(text), list)


def rows(published: Path, number: int) -> list[dict]:
    return json.loads(run_query(examples()[number][1], "json", home=published) or "[]")


def test_calls_closing_this_month(published: Path) -> None:
    assert [r["organiser"] for r in rows(published, 1)] == ["Ville de Liège"]


def test_who_publishes_most_audiovisual_tenders(published: Path) -> None:
    got = rows(published, 3)
    assert [(r["organiser"], r["tenders"]) for r in got] == [("RTBF", 2), ("VRT", 1)]
    assert got[0]["total_budget"] == 200000.0


def test_calls_that_come_back_every_year(published: Path) -> None:
    got = rows(published, 4)
    year = got[0]["later_year"]
    assert [(r["organiser"], r["earlier_year"], r["later_year"]) for r in got] == [
        ("Ville de Liège", year - 1, year)
    ]


def test_postponed_deadlines_and_cancellations(published: Path) -> None:
    postponed = rows(published, 6)
    assert [(r["title"], r["new_deadline"]) for r in postponed] == [
        ("Bourse d'écriture", "2027-04-15T12:00:00+02:00")
    ]
    assert [r["title"] for r in rows(published, 7)] == ["Résidence annulée"]


def test_events_next_month_in_brussels(published: Path) -> None:
    assert [r["title"] for r in rows(published, 9)] == ["Rencontre des coopératives"]


def test_sources_that_failed_recently(published: Path) -> None:
    got = rows(published, 10)
    assert [(r["source"], r["status"], r["consecutive_failures"]) for r in got] == [
        ("agenda-bxl", "failed", 2)
    ]


def test_theatre_in_every_language_and_clusters(published: Path) -> None:
    assert [r["id"] for r in rows(published, 11)] == ["test-source:2", "test-source:1"]
    assert [(r["cluster_id"], r["copies"]) for r in rows(published, 12)] == [("test-source:7", 2)]
    # this month's deadline, so the same year as today
    assert [r["titel"] for r in rows(published, 13)] == [f"Jeugdtheater {datetime.now(BRUSSELS).year}"]


# The examples on the demo's warehouse, with the values they give there: tests/test_demo_warehouse.py.


def test_each_example_says_what_it_answers() -> None:
    for number, (title, sql) in examples().items():
        assert sql.lstrip().startswith("-- "), f"example {number} ({title}) has no comment on its first line"
