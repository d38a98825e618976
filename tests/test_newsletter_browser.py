"""The preview opens in headless Chromium (Debian's package, no network) with the expected sections; a
screenshot is kept in test-output/ at the root of the checkout."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_FLAGS
from factories import make_item

from newsletters.issue import plan_issue
from newsletters.make import output_paths, render_files
from newsletters.themes import load_themes

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
FLAGS = ["--headless", *CHROMIUM_FLAGS, "--hide-scrollbars"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is absent (Debian package chromium; .ci/run installs it)",
    ),
]


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("preview")
    book = load_themes()
    items = [
        make_item(
            1,
            deadline_at="2027-03-08T12:00:00+01:00",
            texts={"en": {"title": "Music grant", "summary": "For musicians."}},
        ),
        make_item(
            2,
            deadline_at="2027-05-08T12:00:00+02:00",
            language="nl",
            title="Oproep residentie",
            texts={"nl": {"title": "Oproep residentie", "summary": "Residentie in Gent."}},
        ),
        make_item(
            3,
            kind="event",
            deadline_at=None,
            starts_at="2027-03-04T18:00:00+01:00",
            location="Mundaneum, Mons",
            title="Networking evening",
            texts={"en": {"title": "Networking evening", "summary": "Freelancers meet."}},
        ),
    ]
    issue = plan_issue(book.get("digest"), "en", items, [], NOW)
    paths = output_paths("digest", "en", NOW, out, out)
    render_files(issue, book, paths, None, [])
    return paths["preview"]


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_preview_renders_sections_in_chromium(preview, tmp_path):
    done = _chromium(["--dump-dom", preview.as_uri()], tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'id="vigie-preview"' in dom
    for section in ("section-closing_soon", "section-new", "section-events"):
        assert f'id="{section}"' in dom
    assert dom.index("Closing soon") < dom.index("New opportunities") < dom.index("Upcoming events")
    assert "Music grant" in dom and "Oproep residentie" in dom and "(NL)" in dom
    assert "4 March 2027, 18:00" in dom


def test_preview_screenshot(preview, tmp_path):
    shot = tmp_path / "preview.png"
    done = _chromium(
        [f"--screenshot={shot}", "--window-size=800,2000", preview.as_uri()], tmp_path / "profile"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Kept beside the checkout (git-ignored) so whoever ran the tests can look at it afterwards.
    keep = Path(__file__).resolve().parents[1] / "test-output" / "newsletter-preview-digest-en.png"
    keep.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, keep)
    print(f"screenshot: {shot} (copy: {keep})")
