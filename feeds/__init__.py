"""Member feeds: the items a filter selects, rendered as Atom, RSS 2.0, iCalendar or JSON Feed 1.1.

Identifiers are derived from the item id only, so a feed reader or a calendar recognises an entry across runs:
Atom ids and RSS guids are `tag:` URIs, iCalendar UIDs are `<item id>@vigie.smartbe.be` (feeds.entry).

iCalendar SEQUENCE rule (deterministic, documented for calendar clients): SEQUENCE is the number of rows in the
warehouse `changes` table for that item whose field is one of SCHEDULE_FIELDS (deadline, start, end). A deadline
postponed once gives SEQUENCE 1, twice gives 2; edits of the title or summary do not move it, because RFC 5545
asks for a new sequence only when the schedule changes (feeds.selection.schedule_changes).
"""
