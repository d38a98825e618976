"""Fit for a freelancer (refine.fit): what tender notices and call texts say about who can answer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from refine.fit import call_signals, decide, fit_stage
from refine.pipeline import refine_and_cluster
from spiders import parsers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _tender(record: dict, cpv: list[str] | None = None, budget: float | None = None) -> tuple[str, list[str]]:
    item = {"kind": "tender", "cpv": cpv or ["92111000"], "budget_amount": budget, "budget_currency": "EUR"}
    fit_stage(item, {"family": "eforms", **record}, "")
    return item["fit"], item["fit_reasons"]


def test_small_creative_contract_is_good():
    assert _tender({}, budget=60_000) == ("good", ["value<=140k EUR", "cpv:creative services"])


def test_large_value_is_unlikely():
    fit, reasons = _tender({}, budget=12_000_000)
    assert fit == "unlikely"
    assert reasons[0] == "value>1M EUR"


def test_smallest_lot_decides_and_lots_are_counted():
    fit, reasons = _tender(
        {"lots": 12, "lot_values": [2_000_000, 90_000], "sme_suitable": True}, budget=5_000_000
    )
    assert fit == "good"
    assert reasons[:3] == ["lot value<=140k EUR", "lots:12", "sme:yes"]


def test_works_and_reserved_contracts_are_unlikely():
    assert _tender({}, cpv=["45000000"])[0] == "unlikely"
    assert (
        _tender({"reserved": "sheltered workshops"}, budget=50_000)[1][-2] == "reserved:sheltered workshops"
    )


def test_eforms_notice_passes_its_terms_through():
    body = (FIXTURES / "ted" / "eforms_real_BE_cn_fr-nl_2024-OJS198-00612681.xml").read_bytes()
    record = next(iter(parsers.parse(body, "eforms", source="ted", url="https://ted.europa.eu/")))
    assert record["lots"] == 25
    assert record["procedure"] == "open"
    assert record["framework"] is False
    item = refine_and_cluster([record], now=NOW).items[0]
    assert item["kind"] == "tender"
    assert "lots:25" in item["fit_reasons"]


def test_call_eligibility_wording():
    assert decide(call_signals("Open to individual artists and collectives based in Brussels")) == "good"
    assert call_signals("Seules les institutions sont éligibles. Aucune candidature individuelle.")[0] == (
        "eligibility:organisations only",
        -2,
    )
    assert decide(call_signals("Proposals from a consortium of at least three legal entities")) == "unlikely"
    assert decide(call_signals("Un appel pour les artistes de moins de 35 ans")) == "possible"


def test_eu_programme_topics_are_unlikely():
    assert (
        decide(call_signals("Expected outcome: projects are expected to contribute", "sedia")) == "unlikely"
    )


def test_events_and_news_have_no_fit():
    item = {"kind": "news", "cpv": []}
    fit_stage(item, {"family": "feed"}, "")
    assert (item["fit"], item["fit_reasons"]) == (None, [])
