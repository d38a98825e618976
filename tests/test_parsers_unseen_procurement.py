"""Issue 13 on procurement files never used while building the parsers (tests/fixtures/ted_unseen/ and three OCDS
files, see their SOURCES.md): other publishers, countries, years and notice types than the files the TED, eForms and
OCDS parsers were written on. Each file is read through `vigie parse`'s path (detection, parser, refine) at a frozen
moment the notice was live, and every field a member acts on is checked against what the notice says: one
assertion per field and file."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from flows.parse_file import parse_file

ROOT = Path(__file__).resolve().parents[1]
UNSEEN = ROOT / "tests" / "fixtures" / "ted_unseen"
OCDS = ROOT / "tests" / "fixtures" / "ocds"

# file -> the moment it is read (the day after publication: the notice is live)
NOW = {
    "eforms_2023-OJS167-00524889.xml": datetime(2023, 9, 1, tzinfo=UTC),
    "eforms_2024-OJS012-00032045.xml": datetime(2024, 1, 18, tzinfo=UTC),
    "eforms_2024-OJS017-00047522.xml": datetime(2024, 1, 25, tzinfo=UTC),
    "eforms_2024-OJS044-00127505.xml": datetime(2024, 3, 2, tzinfo=UTC),
    "eforms_2024-OJS048-00140913.xml": datetime(2024, 3, 8, tzinfo=UTC),
    "eforms_2024-OJS056-00163529.xml": datetime(2024, 3, 20, tzinfo=UTC),
    "eforms_2024-OJS064-00189213.xml": datetime(2024, 3, 30, tzinfo=UTC),
    "eforms_2024-OJS170-00525037.xml": datetime(2024, 9, 3, tzinfo=UTC),
    "eforms_2024-OJS198-00611835.xml": datetime(2024, 10, 11, tzinfo=UTC),
    "ted_r209_F04_168752-2021.xml": datetime(2021, 4, 3, tzinfo=UTC),
    "ted_r209_F07_042736-2018.xml": datetime(2018, 1, 31, tzinfo=UTC),
    "ted_r209_F08_357454-2021.xml": datetime(2021, 7, 15, tzinfo=UTC),
    "ted_r209_F08_194897-2018.xml": datetime(2018, 5, 6, tzinfo=UTC),
    "ted_r209_F12_108855-2021.xml": datetime(2021, 3, 4, tzinfo=UTC),
    "ted_r209_F13_557885-2019.xml": datetime(2019, 11, 26, tzinfo=UTC),
    "ted_r209_F20_431009-2022.xml": datetime(2022, 8, 9, tzinfo=UTC),
    "ted_r209_F23_252963-2017.xml": datetime(2017, 7, 2, tzinfo=UTC),
    "ted_r209_F23_373441-2018.xml": datetime(2018, 8, 26, tzinfo=UTC),
    "ted_r209_F24_218240-2021.xml": datetime(2021, 5, 1, tzinfo=UTC),
    "ted_r209_F25_446053-2016.xml": datetime(2016, 12, 18, tzinfo=UTC),
    "eforms_BE_pin-cfc_fr-nl_599894-2023.xml": datetime(2023, 10, 6, tzinfo=UTC),
    "eforms_BE_qu-sy_fr-nl_547700-2023.xml": datetime(2023, 9, 12, tzinfo=UTC),
    "ted_r208_OTH_NOT_EIB_426046-2018.xml": datetime(2018, 10, 3, tzinfo=UTC),
    "lib-cove_buyandsell_tenders_releases_7.json": datetime(2014, 3, 26, tzinfo=UTC),
    "sample-data_1.1_02-tender.json": datetime(2010, 3, 16, tzinfo=UTC),
    "sample-data_1.1_record.json": datetime(2010, 3, 16, tzinfo=UTC),
}
LANGS_24 = sorted(
    [
        "bg",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "fi",
        "fr",
        "ga",
        "hr",
        "hu",
        "it",
        "lt",
        "lv",
        "mt",
        "nl",
        "pl",
        "pt",
        "ro",
        "sk",
        "sl",
        "sv",
    ]
)


@cache
def items(name: str) -> tuple[dict, ...]:
    folder = OCDS if name.endswith(".json") else UNSEEN
    return tuple(parse_file(folder / name, now=NOW[name]).items)


def first(name: str) -> dict:
    return items(name)[0]


# (file, field, what a person reads in the notice)
CASES = [
    # eForms CAN, JRC Ispra, the only lot closed without a winner (no tenders received), 24 languages
    ("eforms_2023-OJS167-00524889.xml", "status", "cancelled"),
    ("eforms_2023-OJS167-00524889.xml", "language", "it"),
    ("eforms_2023-OJS167-00524889.xml", "texts", LANGS_24),
    ("eforms_2023-OJS167-00524889.xml", "deadline_at", None),
    ("eforms_2023-OJS167-00524889.xml", "budget_amount", 439000.0),
    # eForms design contest (subtype 23), Austria: a tender, open, its submission deadline in Vienna's winter time
    ("eforms_2024-OJS012-00032045.xml", "kind", "tender"),
    ("eforms_2024-OJS012-00032045.xml", "status", "open"),
    ("eforms_2024-OJS012-00032045.xml", "deadline_at", "2024-03-18T12:00:00+01:00"),
    ("eforms_2024-OJS012-00032045.xml", "country", "AT"),
    ("eforms_2024-OJS012-00032045.xml", "cpv", ["71000000"]),
    # eForms CN, France: the offset the notice writes (+02:00) is kept, not re-read as Paris time
    ("eforms_2024-OJS017-00047522.xml", "deadline_at", "2024-02-28T12:00:00+02:00"),
    ("eforms_2024-OJS017-00047522.xml", "organiser", "Communauté de Communes du Piémont Cévenol"),
    # eForms PIN used as a call for competition (dynamic purchasing system), Netherlands: the end of the
    # expression-of-interest period is the deadline
    ("eforms_2024-OJS044-00127505.xml", "status", "open"),
    ("eforms_2024-OJS044-00127505.xml", "deadline_at", "2025-01-31T11:00:00+00:00"),
    ("eforms_2024-OJS044-00127505.xml", "budget_amount", 1000000.0),
    ("eforms_2024-OJS044-00127505.xml", "budget_currency", "EUR"),
    ("eforms_2024-OJS044-00127505.xml", "language", "nl"),
    # eForms qualification system of unlimited duration (TenneT): open, no date to meet
    ("eforms_2024-OJS048-00140913.xml", "status", "open"),
    ("eforms_2024-OJS048-00140913.xml", "deadline_at", None),
    ("eforms_2024-OJS048-00140913.xml", "language", "en"),
    # eForms utilities CN, Port of Antwerp-Bruges
    ("eforms_2024-OJS056-00163529.xml", "deadline_at", "2024-04-15T14:00:00+02:00"),
    ("eforms_2024-OJS056-00163529.xml", "regions", ["BE-VLG"]),
    ("eforms_2024-OJS056-00163529.xml", "title", "Raamovereenkomst beveiliging Cruiseterminal"),
    # eForms CN with four lots, Ireland: the lots' common deadline, the whole estimated value
    ("eforms_2024-OJS064-00189213.xml", "deadline_at", "2024-05-27T12:00:00+00:00"),
    ("eforms_2024-OJS064-00189213.xml", "budget_amount", 40040000.0),
    ("eforms_2024-OJS064-00189213.xml", "country", "IE"),
    # eForms CAN in Finnish and Swedish (bilingual Kristinestad)
    ("eforms_2024-OJS170-00525037.xml", "status", "awarded"),
    ("eforms_2024-OJS170-00525037.xml", "texts", ["fi", "sv"]),
    ("eforms_2024-OJS170-00525037.xml", "language", "fi"),
    # eForms CAN, Belgian federal ombudsman, Dutch and French
    ("eforms_2024-OJS198-00611835.xml", "status", "awarded"),
    ("eforms_2024-OJS198-00611835.xml", "texts", ["fr", "nl"]),
    ("eforms_2024-OJS198-00611835.xml", "language", "nl"),
    ("eforms_2024-OJS198-00611835.xml", "regions", ["BE-BRU"]),
    # R2.0.9 F04 periodic indicative notice without call for competition (ORES, Namur): forthcoming
    ("ted_r209_F04_168752-2021.xml", "status", "forthcoming"),
    ("ted_r209_F04_168752-2021.xml", "regions", ["BE-WAL"]),
    # R2.0.9 F07 qualification system (STIB): open, no deadline
    ("ted_r209_F07_042736-2018.xml", "status", "open"),
    ("ted_r209_F07_042736-2018.xml", "deadline_at", None),
    # R2.0.9 F08 notice on a buyer profile (prior information): forthcoming, not open
    ("ted_r209_F08_357454-2021.xml", "status", "forthcoming"),
    ("ted_r209_F08_357454-2021.xml", "organiser", "SPP intégration sociale"),
    # R2.0.9 F08 whose text says "The deadline for submission of Expression of interest ("EoI") is 22.6.2018": a
    # prior information notice with a date to express interest by is a call for competition, open
    ("ted_r209_F08_194897-2018.xml", "deadline_at", "2018-06-22T23:59:59+02:00"),
    ("ted_r209_F08_194897-2018.xml", "deadline_precision", "date"),
    ("ted_r209_F08_194897-2018.xml", "status", "open"),
    # R2.0.9 F12 design contest (Cerema "appel à projets d'innovation"): a tender, open, local Paris time
    ("ted_r209_F12_108855-2021.xml", "kind", "tender"),
    ("ted_r209_F12_108855-2021.xml", "status", "open"),
    ("ted_r209_F12_108855-2021.xml", "deadline_at", "2021-05-06T12:00:00+02:00"),
    ("ted_r209_F12_108855-2021.xml", "texts", LANGS_24),
    # R2.0.9 F13 results of a design contest (Alveringem): awarded
    ("ted_r209_F13_557885-2019.xml", "status", "awarded"),
    ("ted_r209_F13_557885-2019.xml", "language", "nl"),
    # R2.0.9 F20 modification notice (HaDEA): awarded, nothing to act on
    ("ted_r209_F20_431009-2022.xml", "status", "awarded"),
    ("ted_r209_F20_431009-2022.xml", "deadline_at", None),
    # R2.0.9 F23 concession award (NOTICE TYPE="CONCESSION_AWARD_CONTRACT"): awarded, never open
    ("ted_r209_F23_252963-2017.xml", "status", "awarded"),
    ("ted_r209_F23_252963-2017.xml", "budget_amount", 1000000.0),
    # R2.0.9 F23 concession notice (Maison de la Culture de Namur, Horeca): open until 12 October 2018, 11:30
    ("ted_r209_F23_373441-2018.xml", "status", "open"),
    ("ted_r209_F23_373441-2018.xml", "deadline_at", "2018-10-12T11:30:00+02:00"),
    ("ted_r209_F23_373441-2018.xml", "regions", ["BE-WAL"]),
    ("ted_r209_F23_373441-2018.xml", "budget_amount", 9000000.0),
    # R2.0.9 F24 concession notice (Grimbergen)
    ("ted_r209_F24_218240-2021.xml", "status", "open"),
    ("ted_r209_F24_218240-2021.xml", "deadline_at", "2021-07-26T09:00:00+02:00"),
    # R2.0.9 F25 concession award where no concession was awarded (Brussels Airport): cancelled
    ("ted_r209_F25_446053-2016.xml", "status", "cancelled"),
    ("ted_r209_F25_446053-2016.xml", "regions", ["BE-BRU", "BE-VLG"]),
    # eForms PIN used as a call for competition (subtype 11), STIB, Dutch with a French version
    ("eforms_BE_pin-cfc_fr-nl_599894-2023.xml", "status", "open"),
    ("eforms_BE_pin-cfc_fr-nl_599894-2023.xml", "deadline_at", "2023-11-07T13:00:00+01:00"),
    ("eforms_BE_pin-cfc_fr-nl_599894-2023.xml", "texts", ["fr", "nl"]),
    ("eforms_BE_pin-cfc_fr-nl_599894-2023.xml", "title", "Buiteninrichting op de site van Demets"),
    ("eforms_BE_pin-cfc_fr-nl_599894-2023.xml", "budget_amount", 5700000.0),
    # eForms qualification system, Sibelga, French with a Dutch version: open, no deadline
    ("eforms_BE_qu-sy_fr-nl_547700-2023.xml", "status", "open"),
    ("eforms_BE_qu-sy_fr-nl_547700-2023.xml", "deadline_at", None),
    ("eforms_BE_qu-sy_fr-nl_547700-2023.xml", "language", "fr"),
    ("eforms_BE_qu-sy_fr-nl_547700-2023.xml", "texts", ["fr", "nl"]),
    # R2.0.8 "other notice" (EIB award notice, Zambia): its title and contents read, awarded, and the coded
    # submission date of an award notice is no deadline; the English text copied under 23 other languages is
    # not a translation (the translated titles of ML_TITLES are)
    ("ted_r208_OTH_NOT_EIB_426046-2018.xml", "status", "awarded"),
    ("ted_r208_OTH_NOT_EIB_426046-2018.xml", "deadline_at", None),
    ("ted_r208_OTH_NOT_EIB_426046-2018.xml", "title", "EIB - High voltage substations (ZM-Lusaka)"),
    ("ted_r208_OTH_NOT_EIB_426046-2018.xml", "country", "ZM"),
    # OCDS 1.0, Canada buyandsell: no tender title (the item says what is bought), language written "English"
    ("lib-cove_buyandsell_tenders_releases_7.json", "title", "Canine Control of the Canada Geese (14-2015)"),
    ("lib-cove_buyandsell_tenders_releases_7.json", "language", "en"),
    ("lib-cove_buyandsell_tenders_releases_7.json", "deadline_at", "2014-04-15T14:00:00+00:00"),
    ("lib-cove_buyandsell_tenders_releases_7.json", "status", "open"),
    # OCDS 1.1 release package, tender release: tenderPeriod.endDate
    ("sample-data_1.1_02-tender.json", "deadline_at", "2010-04-01T18:00:00+00:00"),
    ("sample-data_1.1_02-tender.json", "status", "open"),
    ("sample-data_1.1_02-tender.json", "budget_amount", 1100000.0),
    # OCDS 1.1 record: the compiled release's amended tenderPeriod.endDate, and the awarded status
    ("sample-data_1.1_record.json", "deadline_at", "2010-04-08T18:00:00+00:00"),
    ("sample-data_1.1_record.json", "status", "awarded"),
]


@pytest.mark.parametrize(("name", "field", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_field(name, field, expected):
    value = first(name)[field]
    assert (sorted(value) if field == "texts" else value) == expected


def test_untranslated_copies_are_not_texts():
    texts = first("ted_r208_OTH_NOT_EIB_426046-2018.xml")["texts"]
    assert (texts["fr"]["title"], texts["fr"]["summary"]) == ("BEI - Sous-stations à haute tension", "")


def test_r208_other_notice_summary_is_its_contents():
    assert first("ted_r208_OTH_NOT_EIB_426046-2018.xml")["summary"].startswith(
        "Project title: Lusaka Power Transmission and Distribution Network"
    )


def test_every_ocid_is_one_item():
    # seven releases of four contracting processes (two ocids repeat): one item per ocid
    assert len(items("lib-cove_buyandsell_tenders_releases_7.json")) == 4


def test_business_registration_notice_is_a_clean_empty_file():
    # eForms X01 (EEIG) is published on TED but is no procurement: 0 items, no error
    parsed = parse_file(UNSEEN / "eforms_sdk_example_X01_EEIG.xml", now=datetime(2024, 1, 1, tzinfo=UTC))
    assert (parsed.items, parsed.family) == ([], "eforms")


def test_business_registration_notice_says_why():
    parsed = parse_file(UNSEEN / "eforms_sdk_example_X01_EEIG.xml", now=datetime(2024, 1, 1, tzinfo=UTC))
    assert any("business registration" in note for note in parsed.notes)
