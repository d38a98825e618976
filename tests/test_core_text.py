"""vigie.core.text: the one accent fold, and the SQL macro that mirrors it (search_text is stored by the macro,
searched with the Python fold: both must give the same string)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from vigie.core.text import fold, squash

MACROS = Path(__file__).resolve().parents[1] / "warehouse" / "sql" / "macros" / "search.sql"

# Real titles of the corpus and labelled sets, in the languages members read and a few others.
TEXTS = [
    "Théâtre de Liège : appel à candidatures",
    "Œuvre d'art pour l'hôpital — L’été à Namur",
    "Straßenfest in Köln, Ærø og Malmö",
    "Oproep voor makers: tentoonstelling in Sint-Gillis",
    "Ça m'intéresse : résidence à Bruxelles",
    "Конкурс молодых художников",  # other scripts are kept, as DuckDB's strip_accents keeps them
    "Διαγωνισμός σχεδιασμού",
    "plain ascii text 2027",
]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for statement in duckdb.extract_statements(MACROS.read_text(encoding="utf-8")):
        if "MACRO fold" in statement.query:
            con.execute(statement.query)
    return con


@pytest.mark.parametrize("text", TEXTS)
def test_python_and_sql_fold_agree(con, text):
    assert con.execute("SELECT fold(?)", [text]).fetchone()[0] == fold(text)


def test_fold_strips_accents_and_spells_ligatures():
    assert fold("Œuvre Théâtre Straße") == "oeuvre theatre strasse"


def test_fold_keeps_other_scripts():
    assert fold("Конкурс") == "конкурс"


def test_squash_folds_whitespace_and_gives_none_for_nothing():
    assert (squash("  Appel \n\t à  projets "), squash(" \n "), squash(None)) == (
        "Appel à projets",
        None,
        None,
    )
