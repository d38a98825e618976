"""What a TED R2 form says about a notice: its form code (F01-F25), the kind and status hint it implies, and its
title and description."""

from __future__ import annotations

import re

from lxml import etree

from spiders.parsers import _xml
from spiders.parsers._text import names_only, title_from, worded

# fmt: off
# form -> (kind, status); F21-F24 depend on the NOTICE TYPE attribute, see kind_status
_FORMS = {
    "F01": ("tender", "forthcoming"), "F04": ("tender", "forthcoming"), "F16": ("tender", "forthcoming"),
    "F02": ("tender", "open"), "F05": ("tender", "open"), "F07": ("tender", "open"), "F17": ("tender", "open"),
    "F08": ("tender", "forthcoming"), "F09": ("tender", "open"), "F10": ("tender", "open"), "F11": ("tender", "open"),
    "F03": ("tender", "awarded"), "F06": ("tender", "awarded"), "F15": ("tender", "awarded"),
    "F18": ("tender", "awarded"), "F19": ("tender", "awarded"), "F20": ("tender", "awarded"),
    "F25": ("tender", "awarded"), "F12": ("tender", "open"), "F13": ("tender", "awarded"), "F14": ("tender", None),
    "F24": ("tender", "open"),
}
_NOTICE_TYPES = {"PRI_ONLY": "forthcoming", "PRI_REDUCING_TIME_LIMITS": "forthcoming",
                 "PRI_CALL_COMPETITION": "open", "PER_ONLY": "forthcoming", "PER_CALL_COMPETITION": "open",
                 "CONTRACT": "open", "QSU_CALL_COMPETITION": "open", "QSU_ONLY": "open",
                 "AWARD_CONTRACT": "awarded", "PRI": "forthcoming", "CONCESSION": "open",
                 "AWARD_CONCESSION": "awarded", "CONCESSION_AWARD_CONTRACT": "awarded",
                 "PER_REDUCING_TIME_LIMITS": "forthcoming"}
# TD_DOCUMENT_TYPE codes, used when the form code says nothing (old exports, unknown forms)
_DOCUMENT_TYPES = {"0": ("tender", "forthcoming"), "P": ("tender", "forthcoming"), "M": ("tender", "forthcoming"),
                   "3": ("tender", "open"), "7": ("tender", "awarded"), "V": ("tender", "awarded"),
                   "A": ("tender", "open"), "D": ("tender", "open"), "R": ("tender", "awarded")}
# fmt: on
# the document type's English label, for codes not listed above: (words, status), first match wins
_DOCUMENT_LABELS = (
    (("without call for competition",), "forthcoming"),
    (("award", "result", "ex ante", "modification"), "awarded"),
    (("call for competition", "contract notice", "concession", "design contest", "qualification"), "open"),
    (("prior information", "periodic indicative"), "forthcoming"),
)


def form_code(form: etree._Element) -> str:
    code = (form.get("FORM") or "").strip().upper()
    if code.isdigit():
        return f"F{int(code):02d}"
    if re.match(r"^F\d{2}$", code):
        return code
    m = re.match(r"^F(\d{2})_", form.tag)
    return f"F{m.group(1)}" if m else code or form.tag


def kind_status(
    code: str, form: etree._Element, doc_type: str | None, doc_label: str
) -> tuple[str, str | None]:
    notice = form.find(".//NOTICE")
    notice_type = (notice.get("TYPE") or "") if notice is not None else ""
    if code in ("F21", "F22", "F23", "F24") and notice_type:
        if notice_type in _NOTICE_TYPES:
            return "tender", _NOTICE_TYPES[notice_type]
        if "AWARD" in notice_type:
            # every award variant of these forms (F23 writes CONCESSION_AWARD_CONTRACT): a result, never open
            return "tender", "awarded"
    if code in _FORMS:
        return _FORMS[code]
    if code in ("F21", "F22", "F23"):
        return "tender", "open"  # no NOTICE TYPE: the contract-notice part of these forms
    if doc_type in _DOCUMENT_TYPES:
        return _DOCUMENT_TYPES[doc_type]
    label = doc_label.lower()
    status = next((st for words, st in _DOCUMENT_LABELS if any(w in label for w in words)), None)
    return "tender", status


def find_text(el: etree._Element | None, path: str) -> str | None:
    """The text of the first element at `path` under `el`, or None."""
    if el is None:
        return None
    found = el.find(path)
    value = _xml.text(found) if found is not None else ""
    return value or None


def title_summary(form: etree._Element) -> tuple[str, str]:
    """The title and description of one form (the original language's or a translation)."""
    obj = form.find(".//OBJECT_CONTRACT")
    if obj is not None:  # R2.0.9
        title = find_text(obj, "TITLE") or ""
        # F12/F13 describe each object apart
        summary = find_text(obj, "SHORT_DESCR") or find_text(obj, ".//SHORT_DESCR") or ""
    else:  # R2.0.7 / R2.0.8; "other notices" (OTH_NOT: EIB, external aid) have a document title and contents
        title = next(
            (_xml.text(e) for e in form.iter("TITLE_CONTRACT", "CONTRACT_TITLE", "TI_DOC") if _xml.text(e)),
            "",
        )
        summary = next(
            (
                _xml.text(e)
                for e in form.iter("SHORT_CONTRACT_DESCRIPTION", "SHORT_DESCRIPTION_CONTRACT", "CONTENTS")
                if _xml.text(e)
            ),
            "",
        )
    # a title that is only a file reference, or the buyer's name: the description says what is bought
    named = worded(title) and not names_only(title, [_xml.text(e) for e in form.iter("OFFICIALNAME")])
    return (title if named or not summary else title_from(summary) or title), summary
