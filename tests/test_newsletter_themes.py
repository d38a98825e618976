"""config/themes.toml: the shipped themes load, and a mistake names the theme and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletters.themes import load_themes
from vigie.core.errors import ThemeError


def test_shipped_themes():
    book = load_themes()
    assert list(book.themes) == [
        "digest",
        "culture-calls",
        "tenders-media",
        "events-brussels",
        "events-wallonia",
        "events-flanders",
        "eu-funding",
    ]
    assert book.get("digest").filter.kinds == ()
    assert book.get("tenders-media").filter.kinds == ("tender",)
    assert book.get("tenders-media").filter.sectors == ("audiovisual", "communication", "digital")
    assert book.get("events-flanders").filter.regions == ("BE-VLG",)
    assert book.get("eu-funding").filter.scopes == ("european",)
    assert book.get("eu-funding").cadence == "monthly"
    assert book.get("culture-calls").title["nl"] == "Projectoproepen cultuur en creatie"
    assert book.settings.unsubscribe_url == "{{unsubscribe}}"


def test_unsubscribe_url_from_environment():
    book = load_themes(environ={"VIGIE_UNSUBSCRIBE_URL": "https://smart.example/prefs"})
    assert book.settings.unsubscribe_url == "https://smart.example/prefs"


def test_unknown_theme_lists_the_known_ones():
    with pytest.raises(ThemeError, match=r"no theme 'nope' \(themes: digest, culture-calls"):
        load_themes().get("nope")


GOOD = """
[[theme]]
id = "digest"
cadence = "weekly"
title = { fr = "T", nl = "T", en = "T" }
intro = { fr = "I", nl = "I", en = "I" }
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('filters = { kind = "tenders" }', r"theme 'digest': filters\.kind: unknown value 'tenders'"),
        ('filters = { sector = ["music"] }', r"theme 'digest': filters\.sector is not a filter key"),
        ('filters = { sectors = ["jazz"] }', r"theme 'digest': filters\.sector: unknown value 'jazz'"),
        (
            'sections = { closing_soon = "ten" }',
            r"theme 'digest': sections\.closing_soon should be a whole number",
        ),
        ("sections = { closing = 3 }", r"theme 'digest': sections\.closing is not a section setting"),
        ('colour = "red"', r"theme 'digest': unknown key 'colour'"),
    ],
)
def test_bad_theme_key_names_theme_and_key(tmp_path: Path, extra, message):
    path = tmp_path / "themes.toml"
    path.write_text(GOOD + extra + "\n", encoding="utf-8")
    with pytest.raises(ThemeError, match=message) as info:
        load_themes(path)
    assert "\n" not in str(info.value)


def test_missing_language_and_bad_cadence(tmp_path: Path):
    path = tmp_path / "themes.toml"
    path.write_text(GOOD.replace('nl = "I", ', ""), encoding="utf-8")
    with pytest.raises(ThemeError, match=r"theme 'digest': intro\.nl is missing or empty"):
        load_themes(path)
    path.write_text(GOOD.replace('"weekly"', '"daily"'), encoding="utf-8")
    with pytest.raises(ThemeError, match=r"theme 'digest': cadence should be one of weekly, monthly"):
        load_themes(path)


def test_digest_is_required_and_toml_errors_name_the_file(tmp_path: Path):
    path = tmp_path / "themes.toml"
    path.write_text(GOOD.replace('"digest"', '"other"'), encoding="utf-8")
    with pytest.raises(ThemeError, match="the theme 'digest' .* must exist"):
        load_themes(path)
    path.write_text("[[theme]\n", encoding="utf-8")
    with pytest.raises(ThemeError, match="themes.toml: not valid TOML"):
        load_themes(path)
