"""A filter error as a member reads it: one line in the page's or feed's language (templates/strings.toml)."""

from __future__ import annotations

from service.context import page_strings
from vigie.core.errors import FilterError


def filter_error_text(exc: FilterError, lang: str) -> str:
    """The error in `lang`, naming the parameter and what it accepts; the English message when the error
    carries no wording key."""
    template = page_strings()[lang].get(f"err_{exc.problem}") if exc.problem else None
    if template is None:
        return str(exc)
    return template.format(
        param=exc.param,
        value=exc.value,
        accepted=", ".join(exc.accepted),
        limit=exc.accepted[0] if exc.accepted else "",
    )
