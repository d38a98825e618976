"""Titles: TED's country and CPV-label boilerplate removed, to a fixed point."""

from __future__ import annotations

import pytest

from refine.titles import clean_title, derived_title


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Belgique-Bruxelles: Services de nettoyage de bâtiments", "Services de nettoyage de bâtiments"),
        ("België-Sint-Niklaas: Schoonmaakdiensten", "Schoonmaakdiensten"),
        (
            "Belgium – Repair and maintenance services – Maintenance of the Berlaymont lifts",
            "Maintenance of the Berlaymont lifts",
        ),
        (
            "France – Services d'architecture – Concours de maîtrise d'œuvre – Phase 2",
            "Concours de maîtrise d'œuvre – Phase 2",
        ),
        # Not TED boilerplate: kept whole.
        ("Luxembourg – Appel à candidatures", "Luxembourg – Appel à candidatures"),
        ("Note: appel à projets 2027", "Note: appel à projets 2027"),
        (
            "Molenbeek – Brussels – Cultuurcentrum zoekt technicus",
            "Molenbeek – Brussels – Cultuurcentrum zoekt technicus",
        ),
    ],
)
def test_clean_title_strips_ted_prefixes(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected


def test_clean_title_is_idempotent() -> None:
    once = clean_title("Belgique – Services – Belgique – Services – Titre réel")
    assert clean_title(once) == once


def test_an_entry_without_title_is_named_by_its_first_sentence():
    summary = (
        "Appel à candidatures pour la résidence d'artistes 2027 à Liège, ouverte aux plasticiens. Dossier."
    )
    assert (
        derived_title(summary, None)
        == "Appel à candidatures pour la résidence d'artistes 2027 à Liège, ouverte aux …"
    )


def test_an_entry_with_neither_title_nor_text_is_named_by_its_address():
    # feedparser's test feed rss_item_link_corrupted_ampersands.xml: an item with only a link
    assert derived_title("", "http://link/get?a=1&b=2") == "link/get?a=1&b=2"


def test_a_derived_title_is_flagged_so_a_person_knows():
    from refine.stages import clean_stage

    cleaned = clean_stage({"source": "s", "summary": "Oproep voor makers.", "flags": []})
    assert (cleaned["title"], cleaned["flags"]) == ("Oproep voor makers.", ["title_derived"])
