"""The shortcuts refine takes for speed (issue 14) give what the general code gives: canonical URLs, reference
numbers, title keys, item checks, and clusters of numbered titles."""

from __future__ import annotations

from factories import make_item

from refine import identity
from refine.clusters import assign_clusters
from refine.match_keys import _NOT_ALNUM, _REFERENCE, REFERENCE_SCAN_CHARS, references, title_key
from vigie.core.items import validate_item


def test_an_already_canonical_address_comes_out_as_the_general_rules_make_it() -> None:
    urls = [
        "https://example.org",
        "https://example.org/",
        "https://www.kunsten.be/nl/oproepen/2027",
        "http://a.b-c.example/x y/z%20.html",
        "https://example.org//double",
        "https://Example.org/Upper",  # upper-case host: lowered
        "https://example.org./trailing-dot",  # trailing dot: removed
        "https://example.org:443/port",  # default port: removed
        "https://example.org/a\tb",  # a tab: urlsplit drops it
        "https://user@example.org/secret",  # user: removed
        "https://example.org/p?utm_source=x&b=2&a=1",
        "https://example.org/p#frag",
        "HTTPS://example.org/scheme",
        "ftp://example.org/file",
        "https://bücher.example/",
    ]
    for url in urls:
        assert identity.canonical_url(url) == identity._canonical_general(url), url
    assert identity.canonical_url("https://example.org") == "https://example.org/"
    assert identity.canonical_url(" https://Example.org./a?utm_medium=m#x ") == "https://example.org/a"


def test_a_plain_query_is_sorted_and_cleaned_as_parse_qsl_and_urlencode_do() -> None:
    from urllib.parse import parse_qsl, urlencode

    for query in [
        "b=2&utm_source=x&a=1",
        "a=1&&b",
        "=x&a=",
        "Sid=1&fbclid=z&page=2~3",
        "UTM_medium=m&lang=fr",
        "q=a+b&x=%7E",  # not plain: the general path
        "a=b=c",
        "k=%3D&k=1",
    ]:
        expected = urlencode(
            sorted(
                (key, value)
                for key, value in parse_qsl(query, keep_blank_values=True)
                if key.lower() not in identity._TRACKING_PARAMS
                and not key.lower().startswith(identity._TRACKING_PREFIXES)
            ),
            doseq=True,
        )
        assert identity._canonical_query(query) == expected, query
    assert identity.canonical_url("https://x.be/p?b=2&utm_source=x&a=1") == "https://x.be/p?a=1&b=2"


def _references_by_the_full_pattern(text: str) -> set[str]:
    return {_NOT_ALNUM.sub("", ref.upper()) for ref in _REFERENCE.findall(text)}


def test_reference_numbers_are_found_with_or_without_the_quick_test() -> None:
    texts = [
        "Avis de marché 2024/S 198-612681 – services culturels",
        "Marché de services – Réf. BXL/2027/015",
        "Opdracht CSC 2027/015 voor podiumkunsten",
        "Numéro 123456-2024 du bulletin",
        "Appel à projets arts de la scène 2027",  # digits but no reference
        "Théâtre, musique et cirque",
        "Référence ٢٠٢٤/S ١٩٨-٦١٢٦٨١",  # Unicode digits: \d matches them, the quick test too
    ]
    for text in texts:
        item = {"title": text, "summary": None}
        assert references(item) == _references_by_the_full_pattern(text), text
    assert references({"title": texts[0]}) == {"2024S198612681"}
    assert references({"title": texts[4]}) == set()


def test_a_summary_is_searched_for_references_in_its_opening_lines_only() -> None:
    ref = "2024/S 198-612681"
    for lead in ("x" * 100, "é" * 100, "a " * 195):  # ASCII or not; the last one straddles the limit
        summary = f"{lead} {ref} " + "suite " * 100 + "CSC 2027/015"
        expected = _references_by_the_full_pattern(summary[:REFERENCE_SCAN_CHARS])
        assert references({"title": "Avis", "summary": summary}) == expected, lead[:3]
    assert references({"title": "Avis", "summary": "x" * 100 + " " + ref}) == {"2024S198612681"}
    assert references({"title": "Avis", "summary": "x" * 400 + " " + ref}) == set()


def test_a_title_key_keeps_words_of_two_letters_and_single_digits() -> None:
    assert title_key("Appel à projets : Lot 2 – théâtre d'été") == "lot 2 theatre ete"
    assert title_key("A b c 7 de la x") == "7"
    assert title_key(None) == ""
    assert title_key("") == ""


def test_item_checks_still_name_every_wrong_type() -> None:
    class Title(str):
        pass

    def check(**changes: object) -> list[str]:
        item = make_item(1)
        item.update(changes)
        return validate_item(item)

    assert check(title=Title("Appel à projets")) == []
    assert check(budget_amount=True) == ["budget_amount should be float/int, got bool"]
    assert check(budget_amount=1200) == []
    assert check(title="") == ["title is missing"]
    assert check(summary="") == []
    assert check(regions="BE-BRU") == ["regions should be list, got str"]
    assert check(country="be") == ["country 'be' is not ISO 3166-1 alpha-2"]


def test_titles_quoting_different_numbers_never_join_but_an_unnumbered_one_may() -> None:
    def call(n: int, title: str) -> dict:
        return make_item(
            n, id=f"s:{n}", source="s", title=title, texts={"fr": {"title": title, "summary": ""}}
        )

    lot1 = call(1, "Festival des arts de la rue Namur lot 1")
    lot2 = call(2, "Festival des arts de la rue Namur lot 2")
    plain = call(3, "Festival des arts de la rue Namur")
    other = call(4, "Nettoyage des écoles communales de Namur")
    items = [lot2, other, lot1, plain]
    assign_clusters(items)
    # lot 1 and lot 2 each match the unnumbered title, which ties all three together; "other" stays apart.
    assert lot1["cluster_id"] == lot2["cluster_id"] == plain["cluster_id"] == "s:1"
    assert other["cluster_id"] == "s:4"
    lot1, lot2 = call(1, lot1["title"]), call(2, lot2["title"])
    assign_clusters([lot1, lot2])
    assert (lot1["cluster_id"], lot2["cluster_id"]) == ("s:1", "s:2")


def test_item_checks_of_a_shape_already_seen_still_catch_empty_and_wrong_values() -> None:
    from vigie.core.items import ITEM_FIELDS

    def full(**changes: object) -> dict[str, object]:
        item = {**dict.fromkeys(ITEM_FIELDS), **make_item(2), "fit_reasons": [], "cutoffs": []}
        item.update(changes)
        return item

    assert validate_item(full()) == []
    assert validate_item(full()) == []  # the shape is now known: the quick path
    assert validate_item(full(title="")) == ["title is missing"]
    assert validate_item(full(source="")) == ["source is missing"]
    assert validate_item(full(language="xyz")) == ["language 'xyz' is not ISO 639-1"]
    assert validate_item(full(country="be")) == ["country 'be' is not ISO 3166-1 alpha-2"]
    assert validate_item(full(cutoffs=["2026-13-01"])) == ["cutoffs '2026-13-01' is not ISO 8601"]
    assert validate_item(full(texts={"fr": "text"})) == [
        "texts['fr'] should be a language code mapping to {title, summary}"
    ]
    without_title = full()
    del without_title["title"]
    assert validate_item(without_title) == ["title is missing"]


def test_a_block_of_two_titles_compares_them_as_a_bigger_block_would() -> None:
    def pair(first: str, second: str) -> tuple[str, str]:
        a = make_item(1, id="s:1", source="s", title=first, texts={"fr": {"title": first, "summary": ""}})
        b = make_item(2, id="s:2", source="s", title=second, texts={"fr": {"title": second, "summary": ""}})
        assign_clusters([a, b])
        return a["cluster_id"], b["cluster_id"]

    numbered, plain = "Festival des arts de la rue Namur lot 1", "Festival des arts de la rue Namur"
    assert pair(numbered, plain) == ("s:1", "s:1")
    assert pair(plain, numbered) == ("s:1", "s:1")
    assert pair(numbered, numbered.replace("1", "2")) == ("s:1", "s:2")
    assert pair(numbered, numbered + " bis") == ("s:1", "s:1")
