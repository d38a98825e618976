"""Issue 13 classes 5-6 on real OCDS files: the tender period's end is the deadline in every shape (compiled
release, record package with only compiledRelease), awards without an open tender are awarded, never open."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from refine.pipeline import refine_and_cluster
from spiders.parsers import ocds

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ocds"
NOW = datetime(2016, 1, 15, 12, tzinfo=UTC)


def refined(name: str) -> dict:
    records = list(ocds.parse((FIXTURES / name).read_bytes(), source="ocds"))
    return {i["native_id"]: i for i in refine_and_cluster(records, now=NOW).items}


def test_compiled_release_keeps_its_deadline() -> None:
    # the compiled release's own date (2017, its last change) is not its publication
    item = refined("compiled-release-1.json")["OCDS-87SD3T-AD-SF-DRM-063-2015"]
    assert item["deadline_at"] == "2015-12-22T00:00:00-06:00"


def test_compiled_release_published_when_the_tender_opened() -> None:
    item = refined("compiled-release-1.json")["OCDS-87SD3T-AD-SF-DRM-063-2015"]
    assert item["published_at"] == "2015-12-22T00:00:00-06:00"


def test_compiled_release_with_active_award_is_awarded() -> None:
    # tender.status says "planned" (never updated), the award is active and a contract signed
    item = refined("compiled-release-1.json")["OCDS-87SD3T-AD-SF-DRM-063-2015"]
    assert item["status"] == "awarded"


def test_record_package_compiled_release_only_deadline() -> None:
    item = refined("record-package_linked-releases.json")["OCDS-87SD3T-AD-SF-DRM-065-2015"]
    assert item["deadline_at"] == "2015-12-17T00:00:00-06:00"


def test_record_package_award_is_awarded() -> None:
    item = refined("record-package_1.1.json")["ocds-03ad3f-193399"]
    assert item["status"] == "awarded"


def _release(**fields) -> bytes:
    release = {"ocid": "ocds-x-1", "id": "1", "date": "2025-01-02T00:00:00Z", "tag": ["tender"]}
    release.update(fields)
    return json.dumps({"releases": [release]}).encode()


def test_open_tender_with_future_period_is_open() -> None:
    body = _release(
        tender={
            "title": "Scénographie",
            "status": "active",
            "tenderPeriod": {"endDate": "2025-03-01T12:00:00Z"},
        }
    )
    [record] = ocds.parse(body, source="ocds")
    assert record["status"] == "open"


def test_tender_cancellation_tag_is_cancelled() -> None:
    body = _release(
        tag=["tenderCancellation"], tender={"title": "Festival", "tenderPeriod": {"endDate": "2025-03-01"}}
    )
    [record] = ocds.parse(body, source="ocds")
    assert record["status"] == "cancelled"


def test_award_tag_without_open_tender_is_awarded() -> None:
    body = _release(tag=["award"], tender={"title": "Affiches"}, awards=[{"id": "a", "title": "Affiches"}])
    [record] = ocds.parse(body, source="ocds")
    assert record["status"] == "awarded"
