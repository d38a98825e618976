"""Property-based fuzzing of every family parser on mutated real files (tests/fixtures) and random bytes: each
input is either read (records that refine and write as UTF-8 JSON lines) or refused with a one-line ParseError,
never another exception. Bounded to a few seconds per family; bench/fuzz.py runs the long version."""

from __future__ import annotations

import codecs
import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refine.pipeline import refine_and_cluster
from spiders import families, parsers
from vigie.core.errors import ParseError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LISTING = {"item": "article, .event-card, li", "fields": {"title": "h2, h3, a", "url": "a::attr(href)"}}
BOMS = {"utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE}
BOUNDED = settings(
    max_examples=25,
    deadline=10_000,  # ms: generous for a loaded machine; a runaway parse still fails it
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


def _seeds() -> dict[str, list[bytes]]:
    """Fixture files by the family that reads them: detected, else the family's fixture folder (html -> html_list,
    bosa); files over 512 KB are left to bench/fuzz.py."""
    out: dict[str, list[bytes]] = {}
    files = [
        p
        for p in sorted(FIXTURES.rglob("*"))
        if p.is_file() and p.suffix != ".md" and p.stat().st_size < 2**19
    ]
    for path in files:
        with contextlib.suppress(ParseError):
            out.setdefault(parsers.detect_family(path.read_bytes(), path.name), []).append(path.read_bytes())
    for family in families.names():
        if family not in out:
            folders = [d for d in FIXTURES.iterdir() if d.is_dir() and family.startswith(d.name)]
            found = [p.read_bytes() for d in folders for p in sorted(d.iterdir()) if p.suffix != ".md"]
            if found:
                out[family] = found
    return out


SEEDS = _seeds()


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    body = draw(st.sampled_from(seeds))
    edits = st.tuples(st.integers(0, 3), st.integers(0, 2**31), st.binary(max_size=48))
    for op, position, data in draw(st.lists(edits, max_size=4)):
        at = position % (len(body) + 1)
        if op == 0:  # insert
            body = body[:at] + data + body[at:]
        elif op == 1:  # a cut download
            body = body[:at]
        elif op == 2:  # delete
            body = body[:at] + body[at + len(data) + 1 :]
        else:  # overwrite
            body = body[:at] + data + body[at + len(data) :]
    return body


def _read_or_refuse(family: str, body: bytes) -> None:
    options = LISTING if family == "html_list" else {}
    try:
        records = list(
            parsers.parse(body, family, source="fuzz", url="https://example.org/x", options=options)
        )
    except ParseError as exc:
        assert "\n" not in str(exc)
        return
    assert all(isinstance(r, dict) for r in records)
    result = refine_and_cluster(records, now=NOW)
    for row in [*result.items, *result.quarantined]:
        json.dumps(row, ensure_ascii=False, default=str).encode("utf-8")


def test_every_family_has_real_seed_files():
    assert sorted(SEEDS) == sorted(families.names())


@pytest.mark.parametrize("family", sorted(SEEDS))
def test_mutated_real_files_are_read_or_refused_in_one_line(family):
    @BOUNDED
    @given(mutated(SEEDS[family]))
    def check(body: bytes) -> None:
        _read_or_refuse(family, body)

    check()


@pytest.mark.parametrize("family", sorted(SEEDS))
def test_random_bytes_are_read_or_refused_in_one_line(family):
    @BOUNDED
    @given(st.binary(max_size=4096))
    def check(body: bytes) -> None:
        _read_or_refuse(family, body)

    check()


@BOUNDED
@given(st.binary(max_size=4096))
def test_format_detection_recognises_or_refuses(body):
    try:
        assert parsers.detect_family(body, "x") in families.names()
    except ParseError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-be", "utf-32-le"])
@pytest.mark.parametrize("family", ["eforms", "ted_r2", "feed", "ocds", "ics"])
def test_wide_unicode_with_a_bom_is_read_in_every_xml_and_json_family(family, encoding):
    seed = next(s for s in SEEDS[family] if s.decode("utf-8", "replace").encode("utf-8") == s)  # valid UTF-8
    expected = [r.get("title") for r in parsers.parse(seed, family, source="s", url="u")]
    wide = BOMS.get(encoding, b"") + seed.decode("utf-8-sig").encode(
        encoding
    )  # utf-16/32 write their own BOM
    assert parsers.detect_family(wide, "x") == family
    assert [r.get("title") for r in parsers.parse(wide, family, source="s", url="u")] == expected
