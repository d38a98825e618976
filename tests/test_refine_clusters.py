"""Duplicates: FR/NL versions of one notice, one call from two sources, persistence, merged texts, no n²."""

from __future__ import annotations

from factories import make_item

from refine import cluster_matching
from refine.clusters import KnownClusters, assign_clusters, merge_texts
from refine.match_keys import fingerprint


def _tender(source: str, n: int, title: str, lang: str, organiser: str, **more: object) -> dict:
    fields = {
        "kind": "tender",
        "title": title,
        "language": lang,
        "organiser": organiser,
        "texts": {lang: {"title": title, "summary": ""}},
        "summary": None,
        "cpv": ["79952000"],
        "deadline_at": "2027-03-15T11:00:00+01:00",
        "url": f"https://{source}.example/{n}",
    }
    fields.update(more)
    return make_item(n, id=f"{source}:{n}", source=source, native_id=str(n), **fields)


def test_french_and_dutch_versions_of_one_notice_share_a_cluster() -> None:
    fr = _tender("bosa", 2, "Organisation de la Fête de l'Iris 2027", "fr", "Ville de Bruxelles")
    nl = _tender("bosa", 1, "Organisatie van het Irisfeest 2027", "nl", "Stad Brussel")
    other = _tender(
        "bosa", 3, "Nettoyage des écoles communales", "fr", "Ville de Bruxelles", cpv=["90919300"]
    )
    items = [fr, nl, other]
    assign_clusters(items)
    assert fr["cluster_id"] == "bosa:1"
    assert nl["cluster_id"] == "bosa:1"
    assert other["cluster_id"] == "bosa:3"


def test_shared_reference_number_joins_languages() -> None:
    fr = _tender(
        "region-fr",
        1,
        "Marché de services culturels – Réf. BXL/2027/015",
        "fr",
        "Région bruxelloise",
        cpv=[],
        deadline_at="2027-04-01T23:59:59+02:00",
        deadline_precision="date",
    )
    nl = _tender(
        "region-nl",
        1,
        "Opdracht culturele diensten – Ref. BXL/2027/015",
        "nl",
        "Brussels Gewest",
        cpv=[],
        deadline_at="2027-04-01T23:59:59+02:00",
        deadline_precision="date",
    )
    assign_clusters([fr, nl])
    assert fr["cluster_id"] == nl["cluster_id"] == "region-fr:1"


def test_same_call_from_two_sources_shares_a_cluster() -> None:
    fwb = make_item(
        1,
        id="fwb:1",
        source="fwb",
        native_id="1",
        title="Appel à projets Arts de la scène – création 2027",
        deadline_at="2027-03-15T12:00:00+01:00",
    )
    relay = make_item(
        2,
        id="culture-be:88",
        source="culture-be",
        native_id="88",
        title="Arts de la scène : appel à projets création 2027 (FWB)",
        organiser=None,
        deadline_at="2027-03-15T23:59:59+01:00",
        deadline_precision="date",
    )
    different = make_item(
        3,
        id="fwb:2",
        source="fwb",
        native_id="2",
        title="Appel à projets Musiques actuelles – diffusion 2027",
        deadline_at="2027-03-15T12:00:00+01:00",
    )
    items = [relay, fwb, different]
    assign_clusters(items)
    assert fwb["cluster_id"] == "culture-be:88"
    assert relay["cluster_id"] == "culture-be:88"
    assert different["cluster_id"] == "fwb:2"


def test_clusters_persist_across_runs() -> None:
    stored = make_item(
        5,
        id="source-b:5",
        source="source-b",
        native_id="5",
        cluster_id="source-b:5",
        title="Résidence d'écriture théâtrale à Mons 2027",
    )
    newcomer = make_item(
        1,
        id="a-source:1",
        source="a-source",
        native_id="1",
        title="Résidence d'écriture théâtrale (Mons) 2027",
    )
    assign_clusters([newcomer], known=KnownClusters([fingerprint(stored)]))
    # "a-source:1" sorts first, but the stored cluster keeps its id so published clusters do not move.
    assert newcomer["cluster_id"] == "source-b:5"


def test_singletons_are_their_own_cluster() -> None:
    items = [make_item(n, title=f"Appel {word} numéro {n}") for n, word in enumerate(["danse", "cirque"], 1)]
    assign_clusters(items)
    assert [item["cluster_id"] for item in items] == ["test-source:1", "test-source:2"]


def test_merge_texts_keeps_every_language() -> None:
    fr = _tender(
        "bosa",
        2,
        "Organisation de la Fête de l'Iris 2027",
        "fr",
        "Ville de Bruxelles",
        texts={"fr": {"title": "Organisation de la Fête de l'Iris 2027", "summary": "Résumé"}},
    )
    nl = _tender(
        "bosa",
        1,
        "Organisatie van het Irisfeest 2027",
        "nl",
        "Stad Brussel",
        texts={
            "nl": {"title": "Organisatie van het Irisfeest 2027", "summary": "Samenvatting"},
            "fr": {"title": "Fête de l'Iris", "summary": ""},
        },
    )
    assign_clusters([fr, nl])
    merged = merge_texts([fr, nl])
    assert merged["nl"] == {
        "title": "Organisatie van het Irisfeest 2027",
        "summary": "Samenvatting",
        "id": "bosa:1",
        "url": "https://bosa.example/1",
    }
    # The cluster's own item (bosa:1) has a French title too; the French item's summary fills its gap.
    assert merged["fr"]["title"] == "Fête de l'Iris"
    assert merged["fr"]["summary"] == "Résumé"


def test_blocking_avoids_all_pairs(monkeypatch) -> None:
    calls = 0
    real = cluster_matching.fuzz.token_set_ratio

    def counting(*args: object, **kwargs: object) -> float:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(cluster_matching.fuzz, "token_set_ratio", counting)
    # 5,000 different calls of one funder closing on the same day: the worst case for blocking.
    words = ["danse", "cirque", "musique", "théâtre", "vidéo", "design", "mode", "livre", "photo", "jeu"]
    items = [
        make_item(
            n, title=f"Soutien {words[n % 10]} {words[(n // 10) % 10]} {words[(n // 100) % 10]} dossier {n}"
        )
        for n in range(5000)
    ]
    # ... among which 50 are relayed by a second source with a slightly different title.
    twins = [
        make_item(10_000 + n, title=items[n]["title"].replace("Soutien", "Soutien FWB :"), organiser=None)
        for n in range(0, 5000, 100)
    ]
    assign_clusters(items + twins)
    assert calls < 5050 * 64  # linear in n; all pairs would be 12.7 million
    assert len({item["cluster_id"] for item in items + twins}) == 5000
    assert all(twin["cluster_id"] == items[n * 100]["cluster_id"] for n, twin in enumerate(twins))


def test_an_index_of_stored_rows_built_once_serves_every_batch_of_a_run() -> None:
    stored = [
        make_item(5, id="source-b:5", source="source-b", cluster_id="source-b:5",
                  title="Résidence d'écriture théâtrale à Mons 2027"),
        make_item(6, id="source-b:6", source="source-b", cluster_id="source-b:6", title="Appel danse Liège 2027"),
        make_item(7, id="source-c:7", source="source-c", cluster_id="source-b:6", title="Appel danse à Liège 2027"),
    ]  # fmt: skip
    index = KnownClusters(fingerprint(item) for item in stored)
    assert len(index) == 3
    first = [make_item(1, id="a:1", source="a", title="Résidence d'écriture théâtrale (Mons) 2027")]
    second = [
        make_item(2, id="a:2", source="a", title="Appel danse Liège 2027"),
        make_item(
            7, id="source-c:7", source="source-c", title="Appel danse à Liège 2027"
        ),  # stored, seen again
        make_item(3, id="a:3", source="a", title="Marché de nettoyage des bureaux"),
    ]
    assign_clusters(first, index)
    assign_clusters(second, index)
    assert [i["cluster_id"] for i in first + second] == ["source-b:5", "source-b:6", "source-b:6", "a:3"]
