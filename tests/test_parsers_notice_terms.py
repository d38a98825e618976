"""Bidding terms (lots, procedure, duration, framework, SME suitability) of TED R2, BOSA and OCDS notices, as
refine.fit reads them: spiders/parsers/notice_terms.py (fixtures: tests/fixtures/*/SOURCES.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from refine.pipeline import refine_and_cluster
from spiders import parsers
from spiders.parsers.notice_terms import ocds_terms

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2020, 7, 21, 9, 0, tzinfo=UTC)


def _records(path: Path) -> list[dict]:
    body = path.read_bytes()
    family = parsers.detect_family(body, path.name)
    return list(parsers.parse(body, family, source="test", url="https://example.org/"))


def test_r2_framework_notice_gives_its_terms_and_a_fit():
    # JRC certification: one lot, open procedure, 48-month framework contract, EUR 400,000
    path = FIXTURES / "ted" / "ted_r209_BE_20-343258-001-EXP.xml"
    record = _records(path)[0]
    assert (record["lots"], record["procedure"], record["duration_months"], record["framework"]) == (
        1,
        "open",
        48.0,
        True,
    )
    item = refine_and_cluster([record], now=NOW).items[0]
    assert item["fit"] == "possible"
    assert item["fit_reasons"][:2] == ["value:400k EUR", "framework"]


def test_r2_lots_and_negotiated_procedure():
    lots = _records(FIXTURES / "ted_creative" / "ted_r209_540029-2018.xml")[0]
    assert lots["lots"] == 8
    short = _records(FIXTURES / "ted_creative" / "ted_r209_027184-2020.xml")[0]
    assert (short["lots"], short["procedure"]) == (2, "neg-w-call")
    assert short["duration_months"] == 0.1  # four days


def test_bosa_publication_procedure_and_lots():
    record = _records(FIXTURES / "bosa" / "bosa_handmade_publications.json")[0]
    assert (record["lots"], record["procedure"]) == (1, "open")


def test_ocds_procurement_method_and_suitability_extension():
    record = _records(FIXTURES / "ocds" / "release-package_encoding-iso-8859-1.json")[0]
    assert record["procedure"] == "neg-wo-call"  # procurementMethod "limited"
    tender = {
        "procurementMethod": "open",
        "lots": [{"id": "1", "value": {"amount": 45000, "currency": "EUR"}}, {"id": "2"}],
        "suitability": {"sme": True},  # OCDS suitability extension
        "contractPeriod": {"durationInDays": 365},
        "techniques": {"hasFrameworkAgreement": False},
    }
    assert ocds_terms(tender) == {
        "lots": 2,
        "lot_values": [45000.0],
        "sme_suitable": True,
        "procedure": "open",
        "duration_months": 12.2,
        "framework": False,
        "reserved": None,
    }
