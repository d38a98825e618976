"""Sector rules written on the agenda texts added to sectors.tsv on 2026-12-04 (issue 14): what an agenda item is
about, read as refine reads an event (`kind="event"`), and the same words in calls and tenders, where they keep
their old weight. Texts are shaped like the real ones (OpenAgenda, Montréal and Toronto agendas)."""

from __future__ import annotations

import pytest

from refine.sectors import tag_sectors


def event(title: str, summary: str = "") -> set[str]:
    text = f"{title}. {summary}" if summary else title
    return set(tag_sectors(text, [], [], title=title, kind="event"))


def call(title: str, summary: str = "") -> set[str]:
    text = f"{title}. {summary}" if summary else title
    return set(tag_sectors(text, [], [], title=title))


@pytest.mark.parametrize(
    "title, summary",
    [
        ("Café réparation", "Réparation de vêtements, meubles ou appareils"),
        ("Atelier réparation", "Venez réparer vos petits électroménagers avec l'aide de bénévoles."),
        ("Reparatiecafé Gentbrugge", "Breng je kapotte spullen mee."),
        ("Fix-it Clinic at the library", "Bring a broken item."),
    ],
)
def test_a_repair_session_is_environment(title, summary):
    assert "environment" in event(title, summary)


def test_a_craft_workshop_in_an_agenda_is_the_craft_not_a_training():
    assert event("Atelier de vannerie", "Tissez votre propre panier à la bibliothèque.") == {"crafts-fashion"}


def test_a_workshop_alone_is_no_sector_in_an_agenda():
    assert event("Atelier exclusif : découvrez le marché du travail local") == set()


def test_a_workshop_with_a_word_of_learning_is_training():
    assert "education-training" in event("Atelier d'initiation à la couture")


def test_workshops_still_count_in_calls():
    assert "education-training" in call("Ateliers pour les jeunes du quartier")


def test_a_tender_title_naming_workshops_still_adds_training_beside_its_codes():
    # beside CPV codes the text adds a sector only when the title names it: "ateliers" still does outside events
    title = "Animation d'ateliers créatifs"
    assert set(tag_sectors(title, ["79952000"], [], title=title)) == {"education-training", "events"}


def test_an_exhibition_of_photos_is_photography():
    assert event("Ces lieux qui nous habitent", "Exposition de photos explorant mémoire et territoire.") == {
        "photography"
    }


def test_a_pinhole_exhibition_is_photography():
    assert "photography" in event("Sténopé, représentation de l'espace")


def test_the_costume_workshop_of_an_opera_house_is_crafts_and_performing_arts():
    found = event("Opéra-Comique", "L'Opéra-Comique dispose de son propre atelier pour créer les costumes.")
    assert {"crafts-fashion", "performing-arts"} <= found


def test_copy_editing_is_writing():
    assert "writing-publishing" in call("The provision of graphic design and copy-editing services")
