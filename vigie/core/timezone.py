"""The one home time zone: naive times from Belgian sources and every date shown to people are in it."""

from zoneinfo import ZoneInfo

TIMEZONE = "Europe/Brussels"
BRUSSELS = ZoneInfo(TIMEZONE)
