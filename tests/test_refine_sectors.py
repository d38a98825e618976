"""Sector tagging: CPV prefixes first, keywords otherwise, on the labelled set and on the rules one by one."""

from __future__ import annotations

import csv
import hashlib
import tomllib
from pathlib import Path

import pytest
from factories import bench_module

from refine.sectors import fold, tag_sectors, taxonomy
from refine.stages import sector_stage
from vigie.core.errors import SectorsConfigError
from vigie.core.paths import CONFIG_DIR

LABELLED = Path(__file__).resolve().parent / "labelled" / "sectors.tsv"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SPEC_SECTORS = [
    "performing-arts", "music", "audiovisual", "visual-arts", "design", "architecture", "heritage",
    "writing-publishing", "photography", "digital", "education-training", "events", "crafts-fashion",
    "communication", "consulting", "research-innovation", "social-health", "environment",
]  # fmt: skip


# Origins of event sources (calendars, UiTdatabank, the Paris agenda files): their rows are scored as events.
EVENT_ORIGINS = (
    "ics/", "uitdatabank/", "github:MielPoPSCrew/ParisCultureAnalyze/", "github:xzen/event-firebase/",
    # agendas added on 2026-12-04 (OpenAgenda copies, Montréal and Toronto open data)
    "github:CivicTechTO/toronto-opendata-festivalsandevents-jsonld-proxy/", "github:FabParis20/p9-rag-events/",
    "github:Jojo4911/puls-events/", "github:WildCodeSchool/tlse0921-js-p2-NoTimeToulouse/",
    "github:raym648/puls-events-chatbot-intelligent-rag/", "github:sarahliu-mma/mtlverde/",
    "github:vler0ux/puls-event-rag/", "github:firdaous08/puls-events-poc/", "github:cyprien44/puls-events-rag/",
    "github:TabBah1/Puls-events/",
)  # fmt: skip


def _rows() -> list[dict[str, str]]:
    with LABELLED.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _bench():
    # The reference resolver lives with the benchmark so both read the labelled set the same way.
    return bench_module("tagging_eval.py")


def _resolved_rows() -> list[dict[str, str]]:
    """Labelled rows with the corpus references filled in; skips when the shared corpus is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} absent: 50 labelled rows reference texts that are not redistributable")
    rows, skipped = _bench().resolve_references(_rows(), CORPUS)
    assert skipped == 0
    return rows


def _tag(text: str, cpv: list[str] | None = None, defaults: list[str] | None = None) -> list[str]:
    return tag_sectors(text, cpv or [], defaults or [])


def _item(title: str, summary: str, cpv: list[str], *, kind: str | None = None) -> list[str]:
    """The sectors of an item as refine tags it: its title, then its summary, the title passed apart."""
    return tag_sectors(f"{title}. {summary}", cpv, [], title=title, kind=kind)


def test_taxonomy_keeps_spec_ids_and_fills_every_sector():
    data = tomllib.loads((CONFIG_DIR / "sectors.toml").read_text(encoding="utf-8"))
    assert [s["id"] for s in data["sector"]] == SPEC_SECTORS
    for sector in data["sector"]:
        assert set(sector["label"]) == {"fr", "nl", "en"}, sector["id"]
        assert all(len(sector["keywords"][lang]) >= 5 for lang in ("fr", "nl", "en")), sector["id"]
        assert sector["cpv"], sector["id"]


def test_labelled_set_is_large_and_mostly_real():
    rows = _rows()
    assert len(rows) >= 200
    assert sum(r["origin"] != "written" for r in rows) > len(rows) / 2
    known = set(SPEC_SECTORS)
    assert all(set(filter(None, r["expected"].split(","))) <= known for r in rows)


def _eval(name: str):
    return bench_module(f"evals/{name}.py")


def test_labelled_set_is_split_by_its_fixed_rule():
    # held-out when the first byte of sha256("origin|title") is odd, as in kinds.tsv: fixed before any rule
    rows = _rows()
    for row in rows:
        odd = hashlib.sha256(f"{row['origin']}|{row['title']}".encode()).digest()[0] % 2
        assert row["split"] == ("held-out" if odd else "tuned"), row["title"]
    assert 90 <= sum(r["split"] == "held-out" for r in rows) <= len(rows) - 90


def test_news_rows_agree_with_the_kinds_set():
    # A feed article is in both labelled sets: one text, one label (issue 14: gadget news, finance, football and
    # magazine posts are about none of the trades; kinds.tsv labels them so, sectors.tsv must not disagree).
    kinds = {}
    with (LABELLED.parent / "kinds.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            kinds[(row["origin"], row["title"])] = row
    news = [r for r in _rows() if r["kind"] == "news"]
    assert len(news) >= 30
    for row in news:
        twin = kinds[(row["origin"], row["title"])]
        assert twin["expected"] == "news", row["title"]
        assert set(filter(None, row["expected"].split(","))) == set(
            filter(None, twin["sectors"].split(","))
        ), row["title"]
    # `kind` by origin (SOURCES.md): event for the rows of event sources, news for feed articles, else empty
    for row in _rows():
        from_events = row["origin"].startswith(EVENT_ORIGINS)
        assert row["kind"] in ("", "news", "event"), row["title"]
        assert (row["kind"] == "event") == from_events, row["title"]


@pytest.mark.parametrize(
    ("part", "precision", "recall"),
    # Measured 2026-12-02 (bench/evals/sectors.py, news rows scored as news) after the rows added for issue 14
    # (71 TED notices that list many additional CPV codes, 12 makerspace events): tuned 0.857/0.906, held-out
    # 0.785/0.736 on 171/149 rows (before them: 0.917/0.921 and 0.845/0.730 on 129/108 rows). Then additional
    # CPV codes backed by the text, `context` words, 12 UK notices: tuned 0.931/0.903, held-out 0.800/0.709 on
    # 175/157 rows. Then DIY workshop words, a keyword inside a context phrase is context, Horizon's template,
    # IT consultancy codes (issue 14, kinds.tsv recall): tuned 0.935/0.916 (held-out measured by the lead).
    # Then 119 real notices never used before (52 tuned, 67 held-out; issue 14, point 3): the tuned half fell to
    # 0.825/0.910 on 227 rows, and the rules written on their misses (restoration-work and IT-services codes,
    # building "design", video as a tool, an owner's "patrimoine", laundry...) brought it to 0.895/0.921, the old
    # 175 tuned rows unchanged at 0.935/0.916. The tuned threshold follows the larger, harder half. Held-out, 224
    # rows (67 of them never seen by anyone): 0.747/0.736, short of the 0.90/0.80 target; its threshold
    # guards what is reached against regression, it is not the target. Then IT consultancy codes (7222) give
    # Consulting only with the text's backing: tuned 0.903/0.913, held-out 0.745/0.729.
    # Then 137 Paris agenda events (2026-12-03; 72 tuned, 65 held-out): tuned 0.884/0.796 on 299 rows, held-out
    # 0.724/0.657 on 289. Rows of event sources scored as events (`kind` column), the `event` words and
    # `occasions` of sectors.toml: tuned 0.914/0.863 (old 227 rows 0.907/0.907, the Maker Faire row losing
    # Events; the 72 new 0.744/0.636), held-out 0.751/0.696. Thresholds: those minus 0.011 to 0.014.
    # 2026-12-04: labels settled by three blind readings (SOURCES.md): the same rules scored 0.834/0.838 and
    # 0.735/0.695 against them. Retuned on the tuned half, plus 73 fresh TED notices (36 tuned, 37 held-out):
    # tuned 0.874/0.847 on 335 rows, held-out 0.742/0.701 on 326 (the 37 new ones: micro 0.867/0.839).
    # Then a museum is a setting (heritage `context`), cleaning and guarding codes keep the text out, planning
    # phrases are no Design, and agenda, research, advice and children's-book words: tuned 0.878/0.847, held-out
    # 0.755/0.701 (micro 0.816/0.733).
    # 2026-12-04: an EU topic's programme is its declared category (Horizon Europe: research): tuned 0.879/0.857,
    # held-out 0.757/0.712. Then 100 real texts of the thin trades (87 agenda events: OpenAgenda copies, Montréal,
    # Toronto; 13 notices; 48 tuned, 52 held-out; SOURCES.md): the same rules scored tuned 0.838/0.792 on 383 rows
    # (the 48 new: 0.664/0.565), held-out 0.771/0.666 on 378 (the 52 new: 0.608/0.440). Rules written on the 48
    # tuned misses (repair cafés, pinhole photography, exhibitions of photos, costume workshops, opera, copy-editing;
    # a workshop in an agenda is no training by itself): tuned 0.854/0.830, held-out 0.779/0.669. Then 78 Paris
    # agenda events of the arts (35 tuned, 43 held-out): the same rules scored tuned 0.845/0.807 on 418 rows, held-out
    # 0.790/0.704 on 421; rules on the 35 tuned misses (early photographic processes, portfolio reviews, photo
    # collections are heritage, a Frac show, riffs and grooves, words of learning beside an agenda workshop):
    # tuned 0.846/0.827, held-out 0.781/0.706.
    [("tuned", 0.835, 0.815), ("held-out", 0.77, 0.695)],
)
def test_precision_and_recall_on_labelled_set(part, precision, recall):
    _resolved_rows()  # skips when the shared corpus is absent
    result = _eval("sectors").run(part)
    assert result["skipped_corpus_absent"] == 0
    assert result["macro_precision"] >= precision, result["per_sector"]
    assert result["macro_recall"] >= recall, result["per_sector"]


@pytest.mark.parametrize(
    ("cpv", "sectors"),
    [
        ("92312110", ["performing-arts"]),  # theatrical producer services
        ("92312130", ["music"]),  # band entertainment
        ("79340000-9", ["communication"]),  # advertising and marketing (with check digit)
        ("71200000", ["architecture"]),
        ("80500000", ["education-training"]),
        ("72212218", ["digital"]),
        ("79411000", ["consulting"]),
        ("92500000", ["heritage"]),
        ("92111000", ["audiovisual"]),
        ("79961000", ["photography"]),
        ("79530000", ["writing-publishing"]),  # translation
        ("72224000", ["digital"]),  # IT project management consultancy: consulting if the text says so
        ("79952100", ["events"]),
        ("79822500", ["design"]),
        ("73110000", ["research-innovation"]),
        ("85149000", ["social-health"]),
        ("90700000", ["environment"]),
    ],
)
def test_cpv_prefixes(cpv, sectors):
    assert _tag("", [cpv]) == sectors


def test_cpv_decides_before_keywords():
    # The buyer's codes come first; words further down the notice do not add a sector beside them...
    title = "Développement du site web de la ville"
    assert _item(
        title,
        "Le site présente les concerts, expositions de photographie et musées de la ville.",
        ["72000000"],
    ) == ["digital"]
    # ...a title naming another trade does (a promotional film ordered under a film-production code).
    title = "Réalisation d'un film promotionnel et d'une campagne de communication"
    assert tag_sectors(title, ["92111000"], [], title=title) == ["audiovisual", "communication"]
    # A new library is architecture, not heritage: a library is heritage when its collections are.
    title = "Architectuuropdracht voor de nieuwe bibliotheek"
    assert tag_sectors(title, ["71220000"], [], title=title) == ["architecture"]


def test_a_phrase_and_the_word_inside_it_are_one_piece_of_evidence():
    title = "Nouvelle saison au parc"
    # "musique" inside "fête de la musique" is not a second keyword: one mention below the title is not enough
    assert tag_sectors(f"{title}. Fête de la musique.", [], [], title=title) == []
    assert "music" in tag_sectors(f"{title}. Fête de la musique et concerts.", [], [], title=title)


def test_feasibility_studies_are_consulting_and_catering_text_says_nothing():
    assert _tag("", ["79314000"]) == ["consulting"]  # under market research (7931), not research itself
    assert _tag("", ["79315000"]) == ["research-innovation"]  # social research services
    title = "Fourniture de denrées alimentaires pour la restauration scolaire des écoles"
    assert tag_sectors(title, ["55523100"], [], title=title) == []


def test_words_with_a_building_sense_are_not_social_or_education():
    title = "Marchés de prestations de diagnostics techniques avant travaux de réhabilitation"
    assert tag_sectors(title, ["71000000"], [], title=title) == ["architecture"]
    # Belgium's socio-cultural adult education: two of three readers of sectors.tsv call it education
    title = "Appel à projets en éducation permanente"
    assert tag_sectors(title, [], [], title=title) == ["education-training"]


def test_cpv_of_works_or_goods_keep_the_text_out_even_with_a_title():
    title = "Restauration de l'orgue et des vitraux de l'église"
    assert tag_sectors(title, ["45000000"], [], title=title) == []


def test_works_and_goods_tenders_are_not_tagged_from_their_text():
    text = "Rénovation du bâtiment, caractérisé par le langage architectural de l'époque, et de la crèche"
    assert _tag(text, ["45000000-7"]) == []
    assert _tag(text) == ["architecture"]  # the same text without CPV codes: keywords apply


def test_additional_cpv_codes_need_the_texts_backing():
    # The main (first) code gives its sectors as it is; the others only when the text backs them: a bus-shelter
    # contract listing an advertising and a design-support code beside its goods and works codes is neither.
    title = "Stops and Shelters"
    codes = ["34928400", "45233293", "79341000", "79933000"]
    assert tag_sectors(title, codes, [], title=title) == []
    assert tag_sectors(title, ["79341000", "34928400"], [], title=title) == ["communication"]  # main code
    title = "Bus shelters and their advertising panels"  # the title names the advertising
    assert tag_sectors(title, codes, [], title=title) == ["communication"]
    # ...or two keywords of the sector below the title do
    title = "Provision of Emotionally Healthy Schools"
    assert _item(
        title, "Support for the mental health and well-being of pupils.", ["80100000", "85323000"]
    ) == [
        "education-training",
        "social-health",
    ]
    assert tag_sectors(title, ["80100000", "85323000"], [], title=title) == ["education-training"]


def test_public_relations_codes_are_communication_not_consulting():
    assert _tag("", ["79416000"]) == ["communication"]
    assert _tag("", ["79418000"]) == ["consulting"]


def test_context_words_support_a_sector_but_never_make_it():
    # pupils and schools say who or where: theatre for schools is theatre, a workshop for schools is training
    title = "Theatervoorstellingen voor scholen"
    assert _item(title, "Voorstellingen voor leerlingen van het lager onderwijs.", ["92312110"]) == [
        "performing-arts"
    ]
    assert tag_sectors("Projectoproep voor scholen en leerlingen", [], []) == []
    assert "education-training" in tag_sectors("Workshop voor scholen", [], [])
    # one keyword below the title and a context word make the 2 points a call needs
    title = "Appel à projets 2027"
    assert tag_sectors(f"{title}. Ateliers pour les élèves.", [], [], title=title) == ["education-training"]
    assert tag_sectors(f"{title}. Visite pour les élèves.", [], [], title=title) == []
    # the OCMW is who benefits, not the trade
    assert "social-health" not in tag_sectors(
        "Opleiding digitale vaardigheden voor OCMW-cliënten", ["80500000"], []
    )


def test_english_these_is_not_a_french_thesis():
    title = "Acute Efficiency and Productivity Programme"
    assert "research-innovation" not in _item(title, "These services will support the trust's teams.", [])
    assert "research-innovation" in tag_sectors("Bourse pour une thèse de doctorat", [], [])


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("Appel à projets THÉÂTRE", "performing-arts"),
        ("theatre workshop", "performing-arts"),
        ("Photography prize", "photography"),
        ("Prix de la photographie", "photography"),
        ("Fotografieprijs", "photography"),
        ("Huwelijksfotograaf gezocht", "photography"),
        ("Programmation de 12 concerts", "music"),
        ("Appel à projets « arts de la scène »", "performing-arts"),
        ("Création d'une œuvre d'art", "visual-arts"),
        ("Oeuvre d'art pour le hall", "visual-arts"),
        # the trades' own words, in the three languages
        ("Appel aux jongleurs et acrobates", "performing-arts"),
        ("Oproep voor theatergezelschappen", "performing-arts"),
        ("Résidence pour un quatuor à cordes", "music"),
        ("Appel à candidatures pour vidéastes et cadreurs", "audiovisual"),
        ("Call for curators", "visual-arts"),
        ("Stage de poterie et de tissage", "crafts-fashion"),
        ("Call for lighting technicians", "events"),
        ("Huiswerkbegeleiding voor leerlingen", "education-training"),
        ("Strategic advice on change management", "consulting"),
        ("Prototype and proof of concept grants", "research-innovation"),
        ("Subsidie voor hergebruik en upcycling", "environment"),
    ],
)
def test_keywords_are_accent_insensitive_stemmed_and_multilingual(text, sector):
    assert sector in _tag(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mise à jour de la scène politique locale",  # "scène" alone is not performing arts
        "Operation and maintenance of the heating",  # "opera" is a whole word only
        "Fourniture de rations alimentaires",  # no "ration" inside "Fédération"-like matches
        "Exposition au bruit des travailleurs",  # "exposition" alone is not an art exhibition
        "Infosessie kunstwerkattest",  # an information session is attended, not events work
    ],
)
def test_keywords_do_not_fire_on_lookalikes(text):
    assert _tag(text) == []


def test_an_item_may_have_several_sectors_in_taxonomy_order():
    assert _tag("Festival de musique et de théâtre de rue") == ["performing-arts", "music", "events"]


def test_registry_defaults_are_kept():
    assert _tag("", [], ["music"]) == ["music"]
    assert _tag("Appel à projets théâtre", [], ["music"]) == ["performing-arts", "music"]
    assert _tag("", [], ["local-sector"]) == ["local-sector"]


def test_fold():
    assert fold("Théâtre ŒUVRE d’Art") == "theatre oeuvre d'art"
    assert fold("plain ascii") == "plain ascii"


def test_taxonomy_is_compiled_once():
    assert taxonomy() is taxonomy()


def test_bad_cpv_prefix_names_file_and_sector(tmp_path):
    path = tmp_path / "sectors.toml"
    path.write_text('[[sector]]\nid = "music"\ncpv = ["92x"]\n', encoding="utf-8")
    with pytest.raises(SectorsConfigError, match=r"sectors\.toml: sector 'music': cpv prefix '92x'"):
        taxonomy(path)


def test_broken_toml_is_a_one_line_error(tmp_path):
    path = tmp_path / "sectors.toml"
    path.write_text("[[sector]\nid = ", encoding="utf-8")
    with pytest.raises(SectorsConfigError, match=r"sectors\.toml: not valid TOML"):
        taxonomy(path)


def test_keyword_without_letters_is_rejected(tmp_path):
    path = tmp_path / "sectors.toml"
    path.write_text('[[sector]]\nid = "music"\nkeywords = { fr = ["*"] }\n', encoding="utf-8")
    with pytest.raises(
        SectorsConfigError, match=r"sector 'music': keywords\.fr: keyword '\*' has no letters"
    ):
        taxonomy(path)


def test_a_footballers_name_is_not_heritage():
    # fcutrecht.net (tests/fixtures/feeds/rsparser_fcutrecht_nl_broken_xml_decl.rss)
    title = "BREAKING Gyrano Kerk vertrekt naar Lokomotiv Moskou"
    assert tag_sectors(title, [], [], title=title) == []


def test_a_football_livestream_is_not_audiovisual():
    title = "LIVESTREAM FC Utrecht - Cercle Brugge"
    assert tag_sectors(f"{title}. Volg de wedstrijd live", [], [], title=title) == []


def test_off_topic_text_gets_no_keyword_sector():
    title = "Fotoverslag FC Utrecht - Feyenoord, nog even nagenieten"
    assert tag_sectors(f"{title}. De foto's van het voetbal", [], [], title=title) == []


def test_one_stray_word_below_the_title_is_not_enough():
    title = "Nouvelle programmation de printemps"
    assert tag_sectors(f"{title}. Rendez-vous au musée", [], [], title=title) == []
    assert tag_sectors(f"{title}. Musée et patrimoine ouverts", [], [], title=title) == ["heritage"]
    assert tag_sectors(f"{title}. Rendez-vous au musée", [], ["heritage"], title=title) == ["heritage"]


def test_source_sectors_are_a_weak_prior_kept_for_opportunities_not_news():
    title = "Mentir aux recruteurs ? Facile !"
    assert tag_sectors(title, [], ["performing-arts"], title=title) == ["performing-arts"]
    assert tag_sectors(title, [], ["performing-arts"], title=title, kind="news") == []


def test_a_film_call_about_football_is_still_audiovisual():
    title = "Appel à projets : film documentaire sur le football amateur"
    assert "audiovisual" in _item(
        title, "Soutien à la réalisation d'un documentaire, du tournage à la postproduction.", []
    )


def test_news_needs_its_title_and_more_evidence():
    # A tech blog's post (rsparser_blogger.atom style): one film word in the title of an article is not the trade.
    title = "4FSOD: The Documentary!"
    assert (
        _item(
            title,
            "In the footsteps of VH1 Behind the Music, the band collaborated with a television crew.",
            [],
            kind="news",
        )
        == []
    )
    assert _item(
        title, "In the footsteps of VH1 Behind the Music, the band collaborated with a television crew.", []
    ) == ["audiovisual"]  # the same words in a call would do
    title = "Le festival de théâtre de rue ouvre ses portes"
    assert "performing-arts" in _item(
        title, "Trente compagnies de théâtre, de danse et de cirque jouent dans le parc.", [], kind="news"
    )


def test_not_when_contexts_veto_a_sectors_keywords():
    # sedia_search_horizon_open.json: plastic films are packaging, not cinema
    title = "Films and coatings for circular packaging"
    assert "audiovisual" not in tag_sectors(title, [], [], title=title)
    title = "Refonte de l'architecture logicielle du guichet en ligne"
    assert "architecture" not in tag_sectors(title, [], [], title=title)
    assert tag_sectors("Concours d'architecture", [], [], title="Concours d'architecture") == ["architecture"]


def test_strong_keywords_decide_anywhere():
    # A Horizon Europe topic code in the summary is research and innovation whatever the title says.
    title = "Higher Voltage charging for Heavy Duty Vehicles"
    assert "research-innovation" in _item(
        title, "Call: HORIZON-CL5-2026-09 – BATTERIES and ENERGY. Deadline: 2026-09-15.", []
    )


def test_a_plural_or_a_second_language_is_one_piece_of_evidence():
    title = "Nouvelle saison"
    assert tag_sectors(f"{title}. Danse et danses du monde.", [], [], title=title) == []
    assert tag_sectors(f"{title}. Danse et théâtre.", [], [], title=title) == ["performing-arts"]


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ('not_when = { en = "opera" }', r"sector 'music': not_when\.en should be a list"),
        ('event = { keyword = { fr = ["rock"] } }', r"sector 'music': event should hold only keywords"),
    ],
)
def test_malformed_lists_are_named(tmp_path, entry, error):
    path = tmp_path / "sectors.toml"
    path.write_text(f'[[sector]]\nid = "music"\n{entry}\n', encoding="utf-8")
    with pytest.raises(SectorsConfigError, match=error):
        taxonomy(path)


def test_matching_is_cached_and_stable():
    tax = taxonomy()
    text = "Appel à candidatures pour une résidence de photographie documentaire"
    first = tax.sectors_of_text(text)
    assert tax.sectors_of_text(text) == first == {"audiovisual", "photography"}


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        ("Festival des arts de la", ". Scène et rue, appel aux compagnies"),  # a phrase straddles the cut
        ("Festival de thé", "âtre de rue"),  # the cut is inside a word
        ("Appel à projets", ". Musique, danse et théâtre pour les écoles"),
    ],
)
def test_a_title_and_its_summary_matched_apart_find_what_the_whole_text_holds(head, tail):
    matcher = taxonomy().matcher
    whole = matcher.hits_of(head + tail)
    assert whole, "each case holds sector keywords"
    assert matcher.hits_of_joined(head, tail) == whole
    assert matcher.hits_of_joined(head + " bis", tail) == matcher.hits_of(head + " bis" + tail)  # tail cached


def test_the_straddling_phrase_is_one_piece_of_evidence():
    hits = taxonomy().matcher.hits_of_joined("Festival des arts de la", ". Scène et rue")
    assert "arts de la scene" in {hit.word for hit in hits}


def test_the_horizon_topic_template_is_research():
    # sedia: every Horizon Europe topic's "Expected Outcome:" section opens with the same sentence
    title = "Modular powertrain for Heavy Duty Vehicles"
    assert _item(
        title,
        "Expected Outcome: Project results are expected to contribute to all of the following outcomes",
        [],
    ) == ["research-innovation"]


def test_german_do_it_yourself_sessions_are_training():
    # rie_fablab_cottbus_public_events.ics: "Bau dir deine eigene Website", "Websites selbst programmieren"
    title = "Websites selbst programmieren"
    assert _item(title, "Bau dir deine eigene Website mit HTML und CSS.", []) == [
        "digital",
        "education-training",
    ]
    title = "Programmier dir deine eigene Crypto-Währung"
    assert "education-training" in tag_sectors(f"{title}. Lerne mit uns.", [], [], title=title)
    assert tag_sectors("Das hat er selbst gesagt", [], []) == []  # "selbst" alone is no workshop


def test_boards_people_program_are_digital_anywhere():
    title = "Audiogesteuerte Lichter"
    assert _item(title, "Ein Mikrofon wird an den Arduino angeschlossen.", []) == ["digital"]


def test_a_keyword_inside_a_context_phrase_is_context():
    # a research grant on violence in higher education institutions is not a training
    title = "Grant on GBV in Higher Education Institutions"
    assert "education-training" not in _item(
        title, "Research on gender-based violence in higher education institutions.", []
    )
    assert "education-training" in tag_sectors("Higher education reform", [], [])  # the keyword alone is
    # and the context phrase still supports a training named beside it
    title = "Appel à projets 2027"
    assert _item(title, "Formation des établissements d'enseignement supérieur.", []) == [
        "education-training"
    ]


def test_textiles_collected_as_waste_are_not_crafts():
    title = "Inzameling en verwerking van grof huishoudelijk afval en textiel"
    assert tag_sectors(title, ["90510000"], [], title=title) == ["environment"]
    assert "crafts-fashion" in tag_sectors("Salon de la création textile", [], [])


def test_authorities_are_not_authors():
    title = "Strengthening local authorities and their authority"
    assert "writing-publishing" not in tag_sectors(title, [], [], title=title)
    assert "writing-publishing" in tag_sectors("Call for authors", [], [])


def test_civic_integration_says_who_takes_part():
    title = "Taal (leerroutes inburgering)"
    assert tag_sectors(title, ["80430000", "80000000"], [], title=title) == ["education-training"]


def test_audits_and_printing_are_not_consulting_or_writing():
    # settled by three readings of sectors.tsv: a statutory audit or the accounts are no advice work, printing
    # is making printed goods (proofreading and typesetting stay writing and publishing)
    title = "Services comptables et commissariat aux comptes"
    assert tag_sectors(title, ["79212300", "79211100"], [], title=title) == []
    assert tag_sectors("Auditing services for the agency", [], []) == []
    title = "Travaux d'impression et de reprographie"
    assert tag_sectors(title, ["79810000"], [], title=title) == []
    assert tag_sectors("Proofreading services", ["79821100"], []) == ["writing-publishing"]
    title = "The Provision of Public Affairs Services"
    assert tag_sectors(title, ["79416000"], [], title=title) == ["communication", "consulting"]


def test_band_and_orchestra_codes_are_music_not_theatre():
    title = "Programmation de concerts pour la saison estivale"
    assert tag_sectors(title, ["92312130"], [], title=title) == ["music"]
    assert tag_sectors("Theatre production", ["92312110"], []) == ["performing-arts"]


def test_a_fair_seeking_exhibitors_is_their_trade_not_events():
    assert tag_sectors("Salon de la création textile : exposants recherchés", [], []) == ["crafts-fashion"]


# Rules added on 2026-12-02 (issue 14, point 3) from the misses of 119 real notices (TED R2 award, contest and
# competition notices; UK Contracts Finder releases) never used before: one test per rule.


def test_restoration_works_are_heritage_only_when_the_text_says_so():
    # 45454100 "restoration work" is where buyers file any renovation (cpv_backed)
    title = "Restauratie van de glasramen van de Sint-Martinuskerk"
    assert tag_sectors(title, ["45454100"], [], title=title) == ["heritage"]
    title = "Mise en accessibilité des locaux du siège social — réhabilitation électrique des bureaux"
    assert tag_sectors(title, ["45454100", "45410000"], [], title=title) == []
    assert _tag("", ["45212350"]) == ["heritage"]  # buildings of historical interest: the code alone says it


def test_advertising_consultancy_is_communication_not_audiovisual():
    assert _tag("", ["79341100"]) == ["communication"]
    title = "Recrutement d'un cabinet pour l'élaboration d'un plan de communication"
    assert tag_sectors(title, ["79341100"], [], title=title) == ["communication"]


def test_it_consultancy_codes_are_consulting_only_when_the_text_says_so():
    assert _tag("", ["72222300"]) == ["digital"]  # "information technology services": any IT service
    # buyers file any IT work under IT consultancy (7222): Digital, and Consulting when the text backs it
    assert _tag("Azure Virtual Desktop - Phase 2", ["72224000"]) == ["digital"]
    title = "Mission de conseil en stratégie informatique"
    assert tag_sectors(title, ["72222100"], [], title=title) == ["digital", "consulting"]


def test_printing_services_are_no_writing_and_publishing():
    assert _tag("", ["79800000"]) == []
    assert _tag("", ["79822300"]) == ["writing-publishing"]  # typesetting
    assert _tag("", ["79822500"]) == ["design"]  # graphic design stays design, under the same division


def test_design_in_a_building_tender_is_the_buildings():
    # not_when_cpv: under architecture and engineering codes (71...), "design" is the building's
    title = "Art Hall - Planning and design contest"
    assert tag_sectors(title, ["71220000", "71240000"], [], title=title) == ["architecture"]
    title = "Design team for a new library"
    assert _item(
        title,
        "A fully integrated design team for the design and delivery of a new library.",
        ["71315200", "71200000"],
    ) == ["architecture"]
    title = "Design of the new visual identity"  # no building code: the Design trade
    assert tag_sectors(title, [], [], title=title) == ["design"]
    assert _tag("", ["79933000", "71220000"]) == ["design"]  # the design code itself still applies


def test_video_as_a_tool_for_talking_or_watching_is_not_audiovisual():
    title = "Video Consultation Platform"
    assert tag_sectors(title, ["48000000"], [], title=title) == ["digital"]
    title = "Mission de vidéo-surveillance et de gardiennage du site"
    assert tag_sectors(title, [], [], title=title) == []
    assert tag_sectors("Video production", [], [], title="Video production") == ["audiovisual"]


def test_an_owners_patrimoine_and_asbestos_surveys_are_not_heritage():
    title = "Tierce maintenance applicative du patrimoine web et numérique de la Métropole"
    assert tag_sectors(title, ["72500000"], [], title=title) == ["digital"]
    title = "Diagnostics de repérage amiante sur le patrimoine de la société"
    assert tag_sectors(title, ["71621000"], [], title=title) == []
    title = "Valorisation du patrimoine culturel de la commune"
    assert tag_sectors(title, [], [], title=title) == ["heritage"]


def test_an_auteur_de_projet_is_no_author_and_site_safety_is_no_care():
    title = (
        "Désignation d'auteur(s) de projet pour l'aménagement des places, comprenant la coordination santé "
        "phase projet/réalisation"
    )
    assert tag_sectors(title, ["71200000"], [], title=title) == ["architecture"]
    title = "Mission de coordination sécurité et santé des chantiers"
    assert "social-health" not in tag_sectors(title, [], [], title=title)
    assert "social-health" in tag_sectors("Santé mentale des jeunes", [], [])


def test_laundry_is_not_the_textile_trade():
    title = "Prestations d'entretien des articles textiles utilisés par le centre hospitalier"
    assert tag_sectors(title, ["98310000"], [], title=title) == []
    assert tag_sectors("Linen and laundry services for the hospital textiles", [], []) == []


def test_french_conservation_is_heritage_not_nature():
    title = "Préparation du déménagement du centre de conservation et d'études"
    assert tag_sectors(title, ["92521200"], [], title=title) == ["heritage"]
    assert "environment" in tag_sectors("Nature conservation grants for local groups", [], [])


def test_new_cpv_keys_are_checked(tmp_path):
    path = tmp_path / "sectors.toml"
    path.write_text('[[sector]]\nid = "design"\ncpv = ["7993"]\nnot_when_cpv = ["7x"]\n', encoding="utf-8")
    with pytest.raises(SectorsConfigError, match=r"sector 'design': not_when_cpv prefix '7x' should be"):
        taxonomy(path)
    path.write_text('[[sector]]\nid = "heritage"\ncpv = ["925"]\ncpv_backed = "454541"\n', encoding="utf-8")
    with pytest.raises(SectorsConfigError, match=r"sector 'heritage': cpv_backed should be a list"):
        taxonomy(path)


def _event(title: str, summary: str = "") -> list[str]:
    """The sectors of an event item (refine's kind "event"), as refine.stages.sector_stage tags it."""
    item = {"title": title, "cpv": [], "kind": "event"}
    sector_stage(item, {}, f"{title}. {summary}" if summary else title)
    return item["sectors"]


def test_an_event_is_tagged_with_what_its_attendees_come_for():
    # Paris agenda events (tests/labelled/sectors.tsv): a genre, a screening, a visit
    assert _event("The Mahones + Saints & Sinners", "La scène punk du monde entier visite la Miroiterie") == [
        "music"
    ]
    assert _event("Lesneu + Silver Louzy", "Indie Pop Lesneu, le projet de Victor") == ["music"]
    assert _event("AVANT-PREMIÈRE : NOTRE ENFANT", "Avant-première du film de Diego Lerman") == [
        "audiovisual"
    ]
    assert _event("Sortie culturelle", "Cette promenade raconte l'histoire du vin. La visite continue") == [
        "heritage"
    ]
    # the same words in a call are no evidence: event words are read in events only
    assert tag_sectors("Appel. La scène punk du monde entier", [], [], title="Appel") == []


def test_a_hint_alone_is_no_sector_even_in_an_events_title():
    assert _event("Visite découverte", "Des bénévoles vous accueillent tout le week-end") == []
    assert _event("Chemin de croix", "Départ église Saint-Nicolas, arrivée église Saint-Ferdinand") == []
    # an exhibition supports works (visual arts) but makes nothing alone: on a church's history it is heritage
    assert _event("Exposition", "Huit œuvres de jeunes artistes") == ["visual-arts"]
    title = "Vernissage de l'exposition pour les 20 ans de notre église"
    assert _event(title, "Exposition : son histoire, la vie de sa communauté") == ["heritage"]


def test_a_conference_or_a_party_is_no_events_work_unless_asked_for():
    assert _event("Conférence de l'Association Saint-Roch") == []
    assert _event("Fête Nationale Belge", "Soirée spéciale") == []
    assert _event("Salon de l'événementiel", "Les régisseurs et prestataires du secteur") == ["events"]
    title = "Organisation de la conférence annuelle"
    assert tag_sectors(title, [], [], title=title) == ["events"]  # a call or tender: organising it
    # beside CPV codes an occasion in the title is where the work happens, not the work
    title = "Interprétation simultanée lors des conférences internationales"
    assert tag_sectors(title, ["79540000"], [], title=title) == ["writing-publishing"]
    assert tag_sectors("Festival de jazz", [], [], title="Festival de jazz", kind="event") == ["music"]


@pytest.mark.parametrize(
    "summary",
    [
        "Candidature via le formulaire en ligne sur le site internet de la commune. Version numérique du dossier.",
        "Apply online on our website. Send a digital copy of your budget.",
        "Please reply in writing. Book now for the info session.",
    ],
)
def test_how_to_apply_is_no_evidence_of_a_trade(summary):
    # stock phrases of a call's practicalities: a website to apply on is not digital work, replying in writing
    # or booking a seat is not writing (sectors.toml `context`: a keyword inside one of them is part of it)
    title = "Appel à projets 2027"
    assert tag_sectors(f"{title}. {summary}", [], [], title=title) == []
    summary = "Projets numériques : applications et logiciels libres."
    assert tag_sectors(f"{title}. {summary}", [], [], title=title) == ["digital"]


def test_restoring_nature_or_data_is_not_heritage():
    title = "Wetland and peatland restoration"
    summary = "Nature restoration of degraded habitats and river restoration."
    assert tag_sectors(f"{title}. {summary}", [], [], title=title) == ["environment"]
    title = "Data restoration of the municipal archives"
    assert tag_sectors(title, [], [], title=title) == []
    title = "Restoration of the municipal archives"
    assert tag_sectors(title, [], [], title=title) == ["heritage"]
    title = "Restoration of the historic town hall"
    assert tag_sectors(f"{title}. Restoration of the listed building's facade.", [], [], title=title) == [
        "heritage"
    ]


def test_a_university_is_a_setting_that_supports_research():
    # sectors.toml `context`: a university says where, and adds a point only beside a research word
    title = "Grants 2027"
    assert tag_sectors(f"{title}. Open to universities.", [], [], title=title) == []
    summary = "Open to universities for applied research."
    assert tag_sectors(f"{title}. {summary}", [], [], title=title) == ["research-innovation"]


def test_a_museum_is_the_setting_not_heritage_work():
    # sectors.toml heritage `context`: cleaning, guarding or a photography course at a museum is no heritage work;
    # its collections, history or a guided visit (event words) are
    title = "Nettoyage des locaux du Musée des Beaux-Arts"
    assert tag_sectors(title, ["90910000"], [], title=title) == []
    title = "Cleaning services for the National Museum"
    assert tag_sectors(title, ["90910000"], [], title=title) == []
    title = "Photographie des collections du musée"
    assert tag_sectors(title, ["79961000"], [], title=title) == ["photography"]
    title = "Conservation préventive des collections du musée"
    assert tag_sectors(title, [], [], title=title) == ["heritage"]
    title = "Restauratie van schilderijen voor het Stedelijk Museum"
    assert "heritage" in tag_sectors(title, [], [], title=title)
    title = "Visite guidée du musée pour les écoles"
    assert tag_sectors(title, [], [], title=title, kind="event") == ["heritage"]


def test_cleaning_or_guarding_a_venue_is_not_its_trade():
    # cpv_without_keywords: cleaning (9091) and guarding (7971) are done at a theatre, not in its trade
    for title, cpv in (
        ("Nettoyage du théâtre municipal", "90910000"),
        ("Gardiennage de la salle de spectacle", "79713000"),
        ("Cleaning of the concert hall", "90911200"),
    ):
        assert tag_sectors(title, [cpv], [], title=title) == [], title
    title = "Gardiennage et logiciel de vidéosurveillance"  # a software code beside it: not only guarding
    assert tag_sectors(title, ["79713000", "48000000"], [], title=title) == ["digital"]


def test_planning_a_project_is_not_design_work():
    # design `context`: "design and build", "design and implementation", "co-design" plan a project or a building
    for title in (
        "The design and build of the new bridge",
        "Call for proposals: co-design of community services",
        "Design and implementation of the evaluation",
    ):
        assert "design" not in tag_sectors(title, [], [], title=title), title
    title = "Design and development of a new visual identity"
    assert tag_sectors(title, [], [], title=title) == ["design"]
    title = "Landscape design of the park"  # landscape architecture
    assert tag_sectors(title, [], [], title=title) == ["architecture"]


@pytest.mark.parametrize(
    ("title", "summary", "sectors"),
    [
        (
            "Les Fourberies de Scapin",
            "La compagnie reprend la comédie de Molière, mise en scène de J. Dupont.",
            ["performing-arts"],
        ),
        ("Bal folk", "Danses traditionnelles avec le groupe Trad'Sons.", ["music"]),
        ("Ciné-concert", "Un film muet accompagné en direct par un pianiste.", ["music", "audiovisual"]),
        ("Optreden van het stadsorkest", "Op de markt.", ["music"]),
        ("Life drawing session", "Bring your sketchbook.", ["visual-arts"]),
    ],
)
def test_what_people_attend_in_agenda_words(title, summary, sectors):
    assert tag_sectors(f"{title}. {summary}", [], [], title=title, kind="event") == sectors


def test_childrens_books_are_writing_not_youth_work():
    # social-health `context`: "livre jeunesse", "children's book" name a genre, not work for the young
    for title in ("Prix du livre jeunesse", "Call for illustrators: children's book"):
        assert "social-health" not in tag_sectors(title, [], [], title=title), title
        assert "writing-publishing" in tag_sectors(title, [], [], title=title), title
    assert tag_sectors("Youth Grants Program 2027", [], [], title="Youth Grants Program 2027") == [
        "social-health"
    ]


@pytest.mark.parametrize(
    ("title", "sector"),
    [
        ("Appel à projets de recherche 2027", "research-innovation"),
        ("Study on the cultural and creative sectors", "research-innovation"),
        ("Étude sur l'emploi culturel", "research-innovation"),
        ("Creative Europe: programme evaluation 2021-2027", "consulting"),
        ("Conseil juridique aux artistes", "consulting"),
    ],
)
def test_studies_evaluations_and_advice_in_titles(title, sector):
    assert tag_sectors(title, [], [], title=title) == [sector]
