"""The graph stage against a small DuckDB warehouse: clear failure on a missing table, then build,
analyse and draw one département, and rewrite it without touching another one."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from graph import pipeline, vocabulaire
from graph.registre import read_registre_table
from graph.territoires import MissingSource
from ingest.france_travail import read_clpe_communes
from ingest.politique_ville import read_contrats_de_ville
from tests.unit import _dbt_sql
from tests.unit import test_graph_construction as frames
from tests.unit._vocabulaire_graphe import charger_parametres, entrepot_vocabulaire

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"


def _warehouse(
    path: Path, fixtures_dir: Path, skip: set[str] = frozenset(), variables: dict | None = None
) -> Path:
    data = fixtures_dir / "graph" / "data"
    registry = fixtures_dir / "graph" / "registre_valide"
    docs, mentions, liens = frames.documents()
    geo = frames.geo()
    tables = {
        "marts.territoires": frames.territoires(),
        "marts.structures": frames.structures(),
        "marts.services": pd.concat(
            [
                frames.services(),
                pd.DataFrame(
                    [
                        {
                            "id_service": "SV9",
                            "id_structure": "S-CN-3",
                            "nom": "Formation",
                            "code_axe": "A2",
                            "code_domaine": "formation",
                            "code_commune": "93066",
                            "code_departement": "93",
                        }
                    ]
                ),
            ]
        ),
        "marts.documents": docs,
        "marts.mentions": mentions,
        "marts.liens_candidats": liens,
        "marts.besoins": pd.DataFrame(
            [
                {
                    "niveau": "commune",
                    "code_territoire": "93066",
                    "code_departement": "93",
                    "code_domaine": "formation",
                    "indice_besoin": 160.0,
                }
            ]
        ),
        # the staging views dbt makes over the raw tables (dbt_project/models/staging/), as tables here
        "staging.stg_france_travail__clpe_communes": read_clpe_communes(data).frame.rename(
            columns={
                "commune_id": "code_commune_source",
                "territoire_id": "code_clpe",
                "territoire_libelle": "libelle_clpe",
                "departement_id": "code_departement",
            }
        )[["code_commune_source", "code_clpe", "libelle_clpe", "code_departement"]],
        "staging.stg_politique_ville__contrats": read_contrats_de_ville(data).frame.drop(
            columns=["_secret", "_indisponible"]
        ),
        "staging.stg_geo__communes": geo[["code_insee", "dep", "geometrie_wkt"]],
        "staging.stg_cog__communes": pd.DataFrame(
            {
                "siren": ["219300019"],
                "code_commune": ["93001"],
                "code_departement": ["93"],
                "type_commune": ["commune-actuelle"],
            }
        ),
        "staging.stg_registre__acteurs": read_registre_table(registry, "acteurs.csv").frame,
        "staging.stg_registre__dispositifs": read_registre_table(registry, "dispositifs.csv").frame,
        "staging.stg_registre__liens": read_registre_table(registry, "liens.csv").frame,
        # the seeds, as dbt loads them (text, empty cells null)
        "marts.axes_domaines": pd.read_csv(SEEDS / "axes_domaines.csv", dtype=str),
        "marts.dispositifs_modele": pd.read_csv(SEEDS / "dispositifs_modele.csv", dtype=str),
    }
    with duckdb.connect(str(path)) as con:
        for schema in ("staging", "marts"):
            con.execute(f"create schema if not exists {schema}")
        # the actor types, groups, codes (seeds) and the parameters model, as dbt makes them
        entrepot_vocabulaire(con, **(variables or {}))
        # the comité's corrections: the raw table (empty) and the staging view dbt makes over it
        _dbt_sql.creer_corrections_comite(con)
        for name, frame in tables.items():
            if name in skip:
                continue
            con.register(
                "_t",
                frame.astype(object).where(frame.notna(), None) if "registre" in name else frame,
            )
            con.execute(f"create table {name} as select * from _t")
            con.unregister("_t")
    return path


def test_a_missing_table_fails_clearly(tmp_path, fixtures_dir):
    warehouse = _warehouse(
        tmp_path / "w.duckdb",
        fixtures_dir,
        skip={"marts.mentions", "staging.stg_france_travail__clpe_communes"},
    )
    with pytest.raises(
        MissingSource,
        match=r"absente\(s\) de l'entrepôt : marts.mentions, staging.stg_france_travail__clpe_communes",
    ):
        pipeline.build_and_write(warehouse, "93", tmp_path / "out")


def test_build_analyse_and_page(tmp_path, fixtures_dir):
    warehouse = _warehouse(tmp_path / "w.duckdb", fixtures_dir)
    result, summary = pipeline.build_and_write(warehouse, "93", tmp_path / "out" / "93")
    assert summary["registre"] == "présent" and summary["noeuds"] == result.graph.number_of_nodes()
    assert (tmp_path / "out" / "93" / "graphe_acteurs.graphml").exists()
    marts = pipeline.analyse_and_write(warehouse, "93")
    assert set(marts) == set(pipeline.MARTS_ANALYSE)
    high = marts["liens_manquants"][marts["liens_manquants"]["regle"] == "besoin_eleve_offre_non_coordonnee"]
    # the PLIE hosting conseillers numériques offers training in Saint-Denis and has no tie at all
    assert high[["code_territoire", "code_domaine"]].values.tolist() == [["93066", "formation"]]
    info = pipeline.page_and_write(warehouse, "93", tmp_path / "out" / "93")
    assert Path(info["path"]).stat().st_size == info["taille_octets"] > 400_000
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rejected = con.execute(
            "select line, field from quarantine.rejets where table_name = 'registre_references'"
        )
        assert rejected.fetchall() == [(7, "source")]
        # the rebuilt graph equals the written one
        graph = pipeline.load_graph(con, "93")
    assert graph.number_of_edges() == result.graph.number_of_edges()
    # a second build of the same département replaces its rows
    pipeline.build_and_write(warehouse, "93", tmp_path / "out" / "93")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.acteurs").fetchall()[0][0] == summary["noeuds"]


def test_run_several_departements(tmp_path, fixtures_dir):
    warehouse = _warehouse(tmp_path / "w.duckdb", fixtures_dir)
    timings = pipeline.run_departements(warehouse, ["93"], tmp_path / "out", with_page=False)
    assert list(timings["code_departement"]) == ["93"] and (timings["construction_s"] >= 0).all()


def _besoins_eleves(warehouse: Path) -> list[list[str]]:
    marts = pipeline.analyse_and_write(warehouse, "93")
    manquants = marts["liens_manquants"]
    high = manquants[manquants["regle"] == "besoin_eleve_offre_non_coordonnee"]
    return high[["code_territoire", "code_domaine"]].values.tolist()


def test_the_graph_applies_the_high_need_threshold_dbt_was_given(tmp_path, fixtures_dir):
    """A build run with ``--vars '{offre_seuil_besoin_fort: ...}'``: the graph's high needs follow it."""
    before = vocabulaire.courant()
    try:
        # the threshold of dbt_project.yml (115): Saint-Denis' need in training (160) is high
        warehouse = _warehouse(tmp_path / "w.duckdb", fixtures_dir)
        pipeline.build_and_write(warehouse, "93", tmp_path / "out")
        assert _besoins_eleves(warehouse) == [["93066", "formation"]]
        # the parameters model as dbt builds it with --vars: 170, then 160 (a need at the threshold is high)
        for seuil, attendu in ((170, []), (160, [["93066", "formation"]])):
            with duckdb.connect(str(warehouse)) as con:
                charger_parametres(con, offre_seuil_besoin_fort=seuil)
            assert _besoins_eleves(warehouse) == attendu, seuil
            assert vocabulaire.courant().seuil_besoin_fort == seuil
    finally:
        vocabulaire.installer(before)


def test_a_warehouse_without_the_vocabulary_is_refused_with_the_tables_named(tmp_path, fixtures_dir):
    warehouse = _warehouse(tmp_path / "w.duckdb", fixtures_dir)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop table intermediate.int_graphe__parametres")
        con.execute("drop table marts.acteurs_codes")
    with pytest.raises(MissingSource, match=r"marts.acteurs_codes, intermediate.int_graphe__parametres"):
        pipeline.build_and_write(warehouse, "93", tmp_path / "out")
