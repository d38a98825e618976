"""TED XML R2.0.7 / R2.0.8 / R2.0.9 (root TED_EXPORT): the notices TED published before eForms (2011-2023).

One raw record per document. The coded-data section (same in every R2 version) gives the number, dates, country,
NUTS and CPV; the form of the original language gives the title, description, buyer and deadline; every
translated form (R2.0.9 exports carry up to 24) and the translated titles (ML_TITLES) fill `texts`.

Identity: `native_id` is the TED document number "338270-2020" (the DOC_ID attribute, canonical form shared with
the eForms and API parsers); `url` the TED notice page.

Dates: R2 gives a deadline as a local wall-clock time without offset ("2020-08-24" + "16:00"); it is kept naive
with `timezone` set to the buyer country's zone (Europe/Brussels for Belgium), as the raw schema says.

Kind and status from the form (every notice is a tender, design contests included): F12 design contest open,
F13 results of a design contest awarded; F01/F04/F16, F08 (a prior information notice published on the buyer
profile) and F21-F23 "PRI_ONLY" prior information forthcoming (a prior information notice that gives a closing date
is a call for competition: open); F02/F05/F07/F17/F24 and F21-F23 contract notices open; F03/F06/F15/F18/F19/F20/F25
and the award parts of F21-F23 (every NOTICE TYPE naming an award, F23's CONCESSION_AWARD_CONTRACT too) awarded; F14
corrigendum left to refine. Unknown forms fall back on the document type (TD_DOCUMENT_TYPE code, then its
label). An award notice where no lot was awarded (NO_AWARDED_CONTRACT everywhere) is "cancelled".

Errors: XML that is not well-formed, a root other than TED_EXPORT, or a document with no number raise
ParseError; a document with a number but missing fields is yielded for validation to judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from lxml import etree

from spiders.parsers import _xml
from spiders.parsers.notice_terms import r2_terms
from spiders.parsers.ted_r2_forms import find_text as _t
from spiders.parsers.ted_r2_forms import form_code, kind_status, title_summary
from vigie.core.errors import ParseError
from vigie.core.items import new_raw
from vigie.core.languages import normalise_lang
from vigie.core.timezone import TIMEZONE

FAMILY = "ted_r2"

_SNIFF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?TED_EXPORT[\s>]")


def sniff(head: bytes, filename: str = "") -> bool:
    return _SNIFF.search(head) is not None


def _strip_namespaces(root: etree._Element) -> None:
    # R2 has changed namespace with every release (and NUTS live in a namespace of their own in R2.0.9): plain
    # local names keep the paths below version-independent.
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]


def _amount(raw: str | None) -> float | None:
    if not raw:
        return None
    cleaned = raw.replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # R2.0.7/8 write "878 000,00"
    try:
        return float(cleaned.replace(",", ""))
    except ValueError:
        return None


def _budget(form: etree._Element, coded: etree._Element | None) -> tuple[float | None, str | None]:
    for path in (".//OBJECT_CONTRACT/VAL_ESTIMATED_TOTAL", ".//OBJECT_CONTRACT/VAL_TOTAL"):
        el = form.find(path)
        if el is not None and _amount(el.text) is not None:
            return _amount(el.text), el.get("CURRENCY")
    if coded is not None:
        for el in coded.iterfind(".//VALUES/VALUE"):
            if el.get("TYPE") in (None, "ESTIMATED_TOTAL", "TOTAL") and _amount(el.text) is not None:
                return _amount(el.text), el.get("CURRENCY")
        for el in coded.iterfind(".//VALUES[@TYPE='GLOBAL']//VALUE"):
            if _amount(el.text) is not None:
                return _amount(el.text), el.get("CURRENCY")
    return None, None


def parse(
    body: bytes, *, source: str, url: str = "", options: Mapping[str, Any] | None = None
) -> Iterator[dict]:
    options = options or {}
    root = _xml.load(body)
    if _xml.localname(root) != "TED_EXPORT":
        raise ParseError(f"not a TED R2 export (root element <{_xml.localname(root)}>, expected TED_EXPORT)")
    _strip_namespaces(root)
    yield _record(root, source=source, url=url, options=options)


def _number(root: etree._Element, ojs_number: str | None) -> str:
    number = _xml.publication_number(root.get("DOC_ID"))
    if not number and ojs_number:  # "2020/S 138-338270" -> "338270-2020"
        m = re.match(r"^(\d{4})/S\s*\d+-(\d+)$", ojs_number)
        number = _xml.publication_number(f"{m.group(2)}-{m.group(1)}") if m else None
    if not number:
        raise ParseError("TED R2 document without a document number (DOC_ID or NO_DOC_OJS)")
    return number


def _texts(
    root: etree._Element, forms: list[etree._Element], original: etree._Element
) -> dict[str, dict[str, str]]:
    """Title and description of every language's form, then the translated titles for languages without one.
    A "translation" that repeats the original word for word (EIB's other notices copy the English text under every
    language) is not a text in that language: only the original keeps it."""
    texts: dict[str, dict[str, str]] = {}
    source_text = title_summary(original)
    for form in forms:
        lang = normalise_lang(form.get("LG"))
        title, summary = title_summary(form)
        if form is not original and summary and (title, summary) == source_text:
            continue
        if lang and (title or summary) and lang not in texts:
            texts[lang] = {"title": title, "summary": summary}
    titles = list(root.iterfind("TRANSLATION_SECTION/ML_TITLES/ML_TI_DOC"))
    untranslated = len(titles) > 1 and len({_t(ti, "TI_TEXT") for ti in titles}) == 1
    for ti in titles:
        lang = normalise_lang(ti.get("LG"))
        title = _t(ti, "TI_TEXT")
        if untranslated and lang != normalise_lang(original.get("LG")):
            continue
        if lang and title:
            entry = texts.setdefault(lang, {"title": "", "summary": ""})
            entry["title"] = entry["title"] or title
    return texts


def _codes(elements: list[etree._Element | None], *tags: str) -> list[str]:
    return [c.get("CODE") or "" for el in elements if el is not None for c in el.iter(*tags)]


def _old_limit(original: etree._Element) -> str | None:
    """R2.0.7/8 write the time limit for tenders, requests or expressions of interest as DAY/MONTH/YEAR/TIME."""
    limit = original.find(".//RECEIPT_LIMIT_DATE")
    if limit is None:
        return None
    day, month, year = (_t(limit, tag) or "" for tag in ("DAY", "MONTH", "YEAR"))
    if not (day.isdigit() and month.isdigit() and year.isdigit()):
        return None
    return _xml.iso_datetime(f"{year}-{int(month):02d}-{int(day):02d}", _t(limit, "TIME"))


def _deadline(original: etree._Element, codif: etree._Element | None) -> str | None:
    """The time limit for receipt of tenders, requests to participate or expressions of interest (R2.0.9 writes all
    three as DATE_RECEIPT_TENDERS; F12 design contests too), else the coded submission date."""
    deadline = _xml.iso_datetime(
        _t(original, ".//DATE_RECEIPT_TENDERS"), _t(original, ".//TIME_RECEIPT_TENDERS")
    ) or _old_limit(original)
    raw = _t(codif, "DT_DATE_FOR_SUBMISSION")  # "20200824 16:00"
    if not deadline and raw:
        day, _, clock = raw.partition(" ")
        deadline = _xml.iso_datetime(day, clock)
    return deadline


def _record(root: etree._Element, *, source: str, url: str, options: Mapping[str, Any]) -> dict:
    coded = root.find("CODED_DATA_SECTION")
    notice_data = coded.find("NOTICE_DATA") if coded is not None else None
    codif = coded.find("CODIF_DATA") if coded is not None else None
    ojs_number = _t(notice_data, "NO_DOC_OJS")
    number = _number(root, ojs_number)

    section = root.find("FORM_SECTION")
    forms = [f for f in section if isinstance(f.tag, str)] if section is not None else []
    original_lang = normalise_lang(_t(notice_data, "LG_ORIG"))
    original = next((f for f in forms if f.get("CATEGORY") == "ORIGINAL"), None)
    if original is None:  # no CATEGORY attribute: the form in the original language, else the first
        original = next(
            (f for f in forms if normalise_lang(f.get("LG")) == original_lang), forms[0] if forms else None
        )
    if original is None:
        raise ParseError(f"TED R2 document {number} has no form (FORM_SECTION is empty)")
    texts = _texts(root, forms, original)
    language = original_lang or normalise_lang(original.get("LG"))
    if language not in texts:
        language = next(iter(texts), language)

    # the buyer: R2.0.9 ADDRESS_CONTRACTING_BODY, R2.0.7/8 CA_CE_CONCESSIONAIRE_PROFILE
    buyer = next(original.iter("ADDRESS_CONTRACTING_BODY", "CA_CE_CONCESSIONAIRE_PROFILE"), None)
    names = {
        normalise_lang(n.get("LG")): _xml.text(n)
        for n in root.iterfind("TRANSLATION_SECTION/ML_AA_NAMES/AA_NAME")
    }
    organiser = _t(buyer, ".//OFFICIALNAME") or names.get(language) or next(iter(names.values()), None)
    ca_type = original.find(".//CA_TYPE")
    organiser_type = (ca_type.get("VALUE") if ca_type is not None else None) or _t(codif, "AA_AUTHORITY_TYPE")

    iso_country = coded.find(".//ISO_COUNTRY") if coded is not None else None
    buyer_country = buyer.find(".//COUNTRY") if buyer is not None else None
    country = _xml.country2(iso_country.get("VALUE") if iso_country is not None else None) or _xml.country2(
        buyer_country.get("VALUE") if buyer_country is not None else None
    )
    nuts = _xml.dedupe(
        [
            _xml.nuts(c)
            for c in _codes([buyer], "NUTS")
            + _codes([coded], "CA_CE_NUTS", "PERFORMANCE_NUTS", "ORIGINAL_NUTS")
            + _codes(list(original.iter("OBJECT_DESCR", "LOCATION_NUTS")), "NUTS")
        ]
    )
    cpv = _xml.dedupe(
        [_xml.cpv8(c) for c in _codes([original], "CPV_CODE") + _codes([coded], "ORIGINAL_CPV")]
    )

    doc_type_el = codif.find("TD_DOCUMENT_TYPE") if codif is not None else None
    doc_type = doc_type_el.get("CODE") if doc_type_el is not None else None
    code = form_code(original)
    kind, status = kind_status(
        code, original, doc_type, _xml.text(doc_type_el) if doc_type_el is not None else ""
    )
    deadline = _deadline(original, codif)
    if status == "forthcoming":
        # a prior information notice with a closing date is a call for competition; without one, refine may still
        # find a date to express interest by in its text ("prior information": refine.status)
        status = "open" if deadline else "prior information"
    awards = list(original.iter("AWARD_CONTRACT"))
    if status == "awarded" and awards and all(a.find("NO_AWARDED_CONTRACT") is not None for a in awards):
        # "no contract awarded": the procedure was discontinued or unsuccessful
        status = "cancelled"
    if status in ("awarded", "cancelled"):
        # a result leaves nothing to act on; the coded submission date of an award notice (EIB's R2.0.8 "other
        # notices" carry one) would show an awarded contract as closing soon
        deadline = None
    if kind == "tender" and options.get("kind"):
        kind = options["kind"]

    sites = _xml.dedupe([_xml.text(s).replace("\n", ", ") for s in original.iter("MAIN_SITE")])
    amount, currency = _budget(original, coded)
    main = texts.get(language or "", {})

    return new_raw(
        source,
        FAMILY,
        kind=kind,
        native_id=number,
        url=_xml.notice_url(number),
        title=main.get("title") or None,
        summary=main.get("summary") or None,
        language=language,
        texts=texts,
        published_at=_xml.iso_date(_t(coded, "REF_OJS/DATE_PUB"))
        or _xml.iso_date(_t(codif, "DS_DATE_DISPATCH")),
        deadline_at=deadline,
        timezone=_xml.COUNTRY_TZ.get(country or "", TIMEZONE),
        organiser=organiser,
        organiser_type=organiser_type,
        location="; ".join(sites[:5]) or None,
        postal_code=_t(buyer, ".//POSTAL_CODE"),
        city=_t(buyer, ".//TOWN"),
        country=country,
        nuts=nuts,
        cpv=cpv,
        status=status,
        notice_type=code or None,
        budget_amount=amount,
        budget_currency=currency if amount is not None else None,
        sectors=list(options.get("sectors") or []),
        regions=list(options.get("regions") or []),
        scope=options.get("scope"),
        raw_ref=ojs_number,
        **r2_terms(original),  # lots, procedure, framework...: refine.fit
    )
