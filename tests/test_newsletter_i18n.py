"""Every string the templates and render.py use is in the fr, nl and en catalogues, placeholders intact."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from newsletters.render import LOCALE_DIR, TEMPLATES, translations

PYTHON_MESSAGES = {
    "Nothing new this time",
    ("%(num)d deadline closing soon", "%(num)d deadlines closing soon"),
    ("%(num)d new opportunity", "%(num)d new opportunities"),
    ("%(num)d upcoming event", "%(num)d upcoming events"),
}


def _template_messages():
    found = set()
    for _, _, msg, _, _ in extract_from_dir(
        str(TEMPLATES),
        method_map=[("**.j2", "jinja2.ext:babel_extract")],
        options_map={
            "**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
        },
    ):
        found.add(msg if isinstance(msg, str) else tuple(msg))
    return found


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)[sd]", text))


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_catalogue_is_complete(lang):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale=lang)
    wanted = _template_messages() | PYTHON_MESSAGES
    assert len(wanted) > 30
    for msgid in wanted:
        key = msgid if isinstance(msgid, str) else msgid[0]
        message = catalog.get(key)
        assert message is not None, f"{lang}: {key!r} missing"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: {key!r} not translated"
        for s in strings:
            assert _placeholders(s) == _placeholders(key), f"{lang}: placeholders of {key!r} differ"


def test_runtime_catalogue_translates_and_pluralises():
    assert translations("fr").gettext("Closing soon") == "Bientôt clôturés"
    assert translations("nl").ngettext("%(num)d day left", "%(num)d days left", 1) == "nog %(num)d dag"
    assert translations("nl").ngettext("%(num)d day left", "%(num)d days left", 3) == "nog %(num)d dagen"
    # French singular covers 0 and 1
    assert (
        translations("fr").ngettext("%(num)d new opportunity", "%(num)d new opportunities", 0)
        == "%(num)d nouvelle opportunité"
    )
    assert translations("en").gettext("Upcoming events") == "Upcoming events"
