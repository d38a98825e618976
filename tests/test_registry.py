from pathlib import Path

import pytest

from spiders import registry
from vigie.core.errors import SourceConfigError

DEMO = Path(__file__).resolve().parents[1] / "vigie" / "demo" / "sources.toml"


def test_shipped_registry_loads_with_states():
    reg = registry.load()
    assert len(reg.sources) >= 12
    assert {s.state for s in reg.sources} <= {"recorded-sample", "needs-live-check", "live-checked"}
    assert {"ted", "sedia", "bosa", "feed", "ics", "jsonld", "html_list"} <= {s.family for s in reg.sources}


def test_shipped_registry_covers_belgian_levels():
    reg = registry.load()
    regions = {r for s in reg.sources for r in s.regions}
    scopes = {s.scope for s in reg.sources}
    assert {"BE-BRU", "BE-WAL", "BE-VLG"} <= regions
    assert {"european", "regional", "community"} <= scopes


def test_demo_registry_substitutes_the_local_address():
    reg = registry.load(DEMO, substitutions={"demo": "http://127.0.0.1:9999"})
    assert all(u.startswith("http://127.0.0.1:9999/") for s in reg.sources for u in s.urls)
    assert {s.kind for s in reg.sources} == {"tender", "call", "event"}


def test_demo_registry_without_address_says_what_is_missing():
    with pytest.raises(SourceConfigError, match="placeholder"):
        registry.load(DEMO)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[source]]\nname = "Bad Name"\nfamily = "feed"\nurl = "http://x"\n', "lower-case"),
        ('[[source]]\nname = "a-b"\nfamily = "rss"\nurl = "http://x"\n', "family 'rss'"),
        ('[[source]]\nname = "a-b"\nfamily = "feed"\n', "needs `url`"),
        ('[[source]]\nname = "a-b"\nfamily = "feed"\nurl = "http://x"\nkind = "job"\n', "kind 'job'"),
        ('[[source]\nname = "a-b"', "not valid TOML"),
        (
            '[[source]]\nname = "a-b"\nfamily = "feed"\nurl = "http://x"\n[[source]]\nname = "a-b"\nfamily = "feed"\nurl = "http://y"\n',
            "appears twice",
        ),
    ],
)
def test_bad_registry_gives_one_line_reason(tmp_path, body, message):
    path = tmp_path / "sources.toml"
    path.write_text(body)
    with pytest.raises(SourceConfigError, match=message) as exc:
        registry.load(path)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("max_page = 3\n", "max_page"),  # a typo of a common key
        ('item = "article"\n', "item"),  # an html_list key on a feed
        ("[source.options]\nlimt = 10\n", "limt"),  # inside the options table too
    ],
)
def test_unknown_key_names_the_source_and_the_key(tmp_path, extra, key):
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\nname = "appels-fwb"\nfamily = "feed"\nurl = "http://x"\n{extra}')
    with pytest.raises(SourceConfigError) as exc:
        registry.load(path)
    assert "(appels-fwb)" in str(exc.value)
    assert f"unknown key {key!r}" in str(exc.value)


def test_family_keys_become_parser_options(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\nname = "ted-x"\nfamily = "ted"\nurl = "http://x"\nkind = "tender"\nlimit = 10\n'
        '[source.options]\nquery = "buyer-country=BEL"\n'
    )
    source = registry.load(path).get("ted-x")
    assert source.options == {"limit": 10, "query": "buyer-country=BEL"}
    assert source.parser_options() == {"kind": "tender", "language": None, **source.options}


def test_defaults_fill_gaps_but_never_override_the_record():
    source = registry.Source(
        name="s",
        family="feed",
        urls=("http://x",),
        kind="call",
        sectors=("music",),
        regions=("BE-BRU",),
        scope="regional",
        language="fr",
    )
    record = registry.apply_defaults(
        {"kind": None, "language": "nl", "sectors": ["design"], "regions": []}, source
    )
    assert record["kind"] == "call"
    assert record["language"] == "nl"
    assert record["sectors"] == ["design", "music"]
    assert record["regions"] == ["BE-BRU"]
    assert record["scope"] == "regional"
