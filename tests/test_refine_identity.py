"""Identity: canonical URLs, ids for sources without identifiers, content hash."""

from __future__ import annotations

import copy

from factories import make_item

from refine.identity import canonical_url, content_hash, item_id, native_id_for, url_native_id


def test_canonical_url_removes_tracking_fragment_and_case() -> None:
    url = "HTTPS://WWW.Kunsten.BE:443/nl/oproepen?utm_source=nieuwsbrief&b=2&fbclid=IwAR0&a=1&gclid=x#inschrijven"
    assert canonical_url(url) == "https://www.kunsten.be/nl/oproepen?a=1&b=2"


def test_canonical_url_keeps_meaningful_parts() -> None:
    assert canonical_url("http://example.org:8080/Appels/Index.php?id=42") == (
        "http://example.org:8080/Appels/Index.php?id=42"
    )
    assert canonical_url("https://user:secret@example.org") == "https://example.org/"
    assert canonical_url("") == ""


def test_same_page_gets_the_same_native_id() -> None:
    a = url_native_id("https://www.example.org/agenda/event?id=7&utm_campaign=fall")
    b = url_native_id("https://WWW.EXAMPLE.ORG/agenda/event?id=7#map")
    assert a == b
    assert len(a) == 16
    assert a != url_native_id("https://www.example.org/agenda/event?id=8")


def test_native_id_prefers_the_source_identifier() -> None:
    assert native_id_for(" 612681-2024 ", "https://ted.europa.eu/x") == "612681-2024"
    assert native_id_for(None, "https://example.org/a") == url_native_id("https://example.org/a")
    assert native_id_for("", None) == ""
    assert item_id("ted", "612681-2024") == "ted:612681-2024"


def test_content_hash_changes_with_deadline_not_with_cluster() -> None:
    item = make_item()
    same = copy.deepcopy(item)
    same["cluster_id"] = "other-source:9"
    postponed = copy.deepcopy(item)
    postponed["deadline_at"] = "2027-03-29T12:00:00+02:00"
    assert content_hash(item) == content_hash(same)
    assert content_hash(item) != content_hash(postponed)
    assert len(content_hash(item)) == 32


def test_a_url_used_as_identifier_loses_its_tracking_parameters() -> None:
    a = native_id_for("https://www.songkick.com/concerts/123?utm_source=feed&utm_medium=rss", None)
    b = native_id_for("https://www.songkick.com/concerts/123?utm_campaign=x", None)
    assert a == b == "https://www.songkick.com/concerts/123"


def test_a_url_identifier_keeps_its_fragment() -> None:
    assert (
        native_id_for("https://agenda.example.be/page#event-2", None)
        == "https://agenda.example.be/page#event-2"
    )
