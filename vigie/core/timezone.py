"""The one home time zone: naive times from Belgian sources and every date shown to people are in it."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from vigie.core.errors import VigieError

TIMEZONE = "Europe/Brussels"
BRUSSELS = ZoneInfo(TIMEZONE)


def as_of(text: str | None) -> datetime:
    """The instant an `--as-of` option names: a date is the start of that day in Brussels, a date and time
    without an offset is Brussels time; None is now. Raises VigieError with a one-line message."""
    if text is None or not text.strip():
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise VigieError(f"--as-of: {text!r} is not a date (expected e.g. 2027-03-01)") from None
    return value if value.tzinfo else value.replace(tzinfo=BRUSSELS)
