"""Titles: TED's country and CPV-label boilerplate removed, to a fixed point."""

from __future__ import annotations

import pytest

from refine.titles import clean_title


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
