"""What people read names no table, key, code or mode of the pipeline (issue 11).

The checker itself must catch each kind of identifier the issue found in the report (so that the
end-to-end test on the real 93 can fail), and the seed that names sources must name every raw table
the pipeline loads, so that the report never falls back to a table name."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rapport.lisible import identifiants_visibles

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"


@pytest.mark.parametrize(
    ("html", "genre"),
    [
        ("<caption>Source : marts.indicateurs (valeur publiée)</caption>", "nom de table"),
        ("<td>raw._chargements</td>", "nom de table"),
        ("<p>voir quarantine.offre_non_conforme</p>", "nom de table"),
        ("<td>indicateur taux_chomage_15_64 2022</td>", "nom technique"),
        ("<td>pistes_preuves</td>", "nom technique"),
        ("<td>dispositif:convention_france_travail:departement:93 → ddets:93</td>", "clé"),
        ("<td>Est Ensemble (EPT 200057875)</td>", "SIREN ou SIRET"),
        ("<td>SIRET 34445638900019</td>", "SIREN ou SIRET"),
        ("<span>marts.passages 93-5667ace6a41436fb-p0002-003</span>", "identifiant haché"),
        ("<td>123e4567-e89b-12d3-a456-426614174000</td>", "uuid"),
        ("<td>snapshot</td>", "mode"),
        ("<td>Boîte : inbox</td>", "mode"),
        ("<td>data·inclusion API v1 (recorded answers, les-emplois mocks)</td>", "mode"),
        ("<td>mode live</td>", "mode"),
        ("<svg><title>Chargé en mode snapshot</title></svg>", "mode"),
        ('<span title="ddets:93">DDETS</span>', "clé"),
        ("<td>Indice de besoin 157.0 pour un indice d'offre 62.0</td>", "nombre à l'anglaise"),
        ("<td>Confiance : 0.45</td>", "nombre à l'anglaise"),
    ],
)
def test_each_kind_of_identifier_is_caught(html, genre):
    assert genre in {g for g, _, _ in identifiants_visibles(html)}


@pytest.mark.parametrize(
    "html",
    [
        "<p>Taux de pauvreté : 27,6\u202f% en 2021, contre 14,4\u202f% en France.</p>",
        "<p>1\u202f655\u202f422 habitants (2022) – 40 communes</p>",
        "<caption>Source : INSEE, Filosofi 2021 ; IGN, ADMIN EXPRESS, COG 2026.</caption>",
        "<td>France Travail – agence de Bobigny</td><td>Mission Locale – Pantin</td>",
        "<p>Document produit le 05/12/2026 à 08:10 (p. 12)</p>",
        "<p>Bobigny (93008) ; Rapport d'activité 2022, p. 4</p>",
        '<td data-indicateur="taux_pauvrete" data-territoire="200057875">27,6</td>',
        "<style>.a_b { color: red }</style><p>ok</p>",
    ],
)
def test_french_text_is_not_flagged(html):
    assert identifiants_visibles(html) == []


def _seed(nom: str) -> list[dict[str, str]]:
    with open(SEEDS / nom, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_raw_table_the_pipeline_loads_is_named_for_people():
    from ingest.documents.stockage import TABLES
    from orchestration.assets import raw_besoins, raw_geo, raw_graph, raw_offre

    nommees = {r["table_brute"] for r in _seed("sources_donnees.csv")}
    chargees = {s.table for m in (raw_besoins, raw_geo, raw_graph, raw_offre) for s in m.SOURCES}
    # the document tables the load journal records (the others are caches of the reading)
    journal = {"documents_fichiers", "documents_passages", "documents_mentions", "questionnaires_reponses"}
    assert journal <= set(TABLES)
    assert sorted((chargees | journal) - nommees) == []
    for ligne in _seed("sources_donnees.csv"):
        assert (
            identifiants_visibles(f"<td>{ligne['producteur']}</td><td>{ligne['jeu_de_donnees']}</td>") == []
        )


def test_names_vocabulary_is_lower_case_keyed_and_typed():
    lignes = _seed("vocabulaire_noms.csv")
    assert all(r["mot"] == r["mot"].lower() and r["mot"] for r in lignes)
    assert {r["nature"] for r in lignes} <= {"mot_de_liaison", "sigle", "abreviation"}
    assert all(r["forme"] == r["forme"].upper() for r in lignes if r["nature"] == "sigle")
