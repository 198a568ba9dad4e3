"""One declaration per graph mart (issue 13 point 3): a toy measure declared only in (a copy of) the
dbt source ``graphe``, as docs/architecture.md « Add a graph metric » says, reaches the marts, the
data dictionary and the exports without another edit."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from graph import declaration, pipeline
from graph.export import tables_from_graph, write_departement
from graph.modele import Evidence, add_edge, add_node, new_graph
from rapport import dictionnaire
from rapport.donnees import filtre_departement
from rapport.exports import exporter_parquet
from tests.unit._vocabulaire_graphe import entrepot_vocabulaire

TOY = "degre_brut_jouet"
TOY_DECLARATION = {
    "name": TOY,
    "description": "Mesure jouet : nombre de liens de chaque nœud, toutes natures confondues.",
    "meta": {
        "dagster": {"asset_key": ["marts", TOY]},
        "pacte": {
            "etape": "analyse",
            "calcul": "tests.unit.test_declaration_graphe:degre_brut",
            "entrees": ["graphe", "coordination_acteurs"],
        },
    },
    "columns": [
        {"name": "code_departement", "description": "Département."},
        {"name": "id_noeud", "description": "Nœud."},
        {"name": "degre_brut", "description": "Nombre de liens du nœud, entrants et sortants."},
        {"name": "degre_coordination", "description": "Degré de coordination (marts.coordination_acteurs)."},
    ],
}


def degre_brut(graph, coordination_acteurs: pd.DataFrame) -> pd.DataFrame:
    """The toy measure: raw degree of every node, beside its coordination degree (a measure read)."""
    coordination = dict(zip(coordination_acteurs["id_noeud"], coordination_acteurs["degre"], strict=True))
    code = graph.graph["code_departement"]
    rows = [(code, n, graph.degree(n), coordination.get(n)) for n in sorted(graph.nodes)]
    return pd.DataFrame(rows, columns=[c["name"] for c in TOY_DECLARATION["columns"]])


def _graphe(code: str):
    g = new_graph(code)
    add_node(g, f"caf:{code}", "acteur", "CAF", type_acteur="caf", sources=["modele"])
    add_node(
        g,
        f"cd:{code}",
        "acteur",
        "Conseil départemental",
        type_acteur="conseil_departemental",
        sources=["modele"],
    )
    add_node(
        g,
        f"dispositif:pdi:departement:{code}",
        "dispositif",
        "PDI",
        code_dispositif="pdi",
        niveau="departement",
        code_territoire=code,
        historique=False,
        sources=["modele"],
    )
    preuve = Evidence("registre", "convention", "c", 0.8)
    add_edge(g, f"cd:{code}", f"dispositif:pdi:departement:{code}", "pilote", preuve)
    add_edge(g, f"caf:{code}", f"dispositif:pdi:departement:{code}", "partenaire_de", preuve)
    return g


@pytest.fixture
def declared(tmp_path, monkeypatch) -> Path:
    """A copy of the dbt sources yml with the toy measure appended: the recipe's single edit."""
    document = yaml.safe_load(declaration.SOURCES_YML.read_text(encoding="utf-8"))
    (source,) = [s for s in document["sources"] if s["name"] == "graphe"]
    source["tables"].append(TOY_DECLARATION)
    copy = tmp_path / "_priorites__sources.yml"
    copy.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(declaration, "SOURCES_YML", copy)
    return copy


def test_the_real_declaration_lists_the_graph_marts():
    tables = {t.nom: t for t in declaration.declarations()}
    assert {n for n, t in tables.items() if t.etape == "graphe"} == {"acteurs", "liens"}
    ordre = [t.nom for t in declaration.mesures()]
    assert set(ordre) == {
        "coordination_acteurs",
        "coordination_dispositifs",
        "liens_manquants",
        "faiblesse_coordination",
    }
    # a measure comes after the measures it reads
    assert ordre.index("coordination_dispositifs") < ordre.index("liens_manquants")
    assert ordre.index("coordination_dispositifs") < ordre.index("faiblesse_coordination")
    assert all(callable(declaration.fonction(t)) for t in declaration.mesures())
    assert all(t.cle_asset == ("marts", t.nom) for t in tables.values())


def test_an_unknown_input_or_a_missing_function_fails_naming_the_table(tmp_path):
    bad = {
        **TOY_DECLARATION,
        "meta": {
            "pacte": {
                "etape": "analyse",
                "calcul": "graph.analyse:absente",
                "entrees": ["graphe", "inconnue"],
            }
        },
    }
    document = {"version": 2, "sources": [{"name": "graphe", "tables": [bad]}]}
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(declaration.DeclarationInvalide, match=rf"{TOY}.*unknown input\(s\) \['inconnue'\]"):
        declaration.declarations(path)
    bad["meta"]["pacte"]["entrees"] = ["graphe"]
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    declaration._lire.cache_clear()
    (table,) = declaration.mesures(path)
    with pytest.raises(declaration.DeclarationInvalide, match=r"graph.analyse:absente.*not found"):
        declaration.fonction(table)


def test_a_toy_metric_declared_once_reaches_marts_dictionary_and_exports(declared, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for code in ("93", "94"):
            nodes, edges = tables_from_graph(_graphe(code))
            write_departement(con, "marts.acteurs", nodes, code)
            write_departement(con, "marts.liens", edges, code)
        con.execute(
            "create table marts.besoins (niveau varchar, code_territoire varchar, "
            "code_departement varchar, code_domaine varchar, indice_besoin double)"
        )
        entrepot_vocabulaire(con)  # the actor types and parameters the analysis reads, as dbt makes them
        assert TOY in pipeline.calculer_mesures(_graphe("93"), None, pipeline.analyse.Parametres())
        frames = {code: pipeline.analyse_and_write(con, code) for code in ("93", "94")}

        # the marts: the toy table written per département, after the measure it reads
        assert TOY in frames["93"] and list(frames["93"])[-1] == TOY
        rows = con.execute(
            f"select id_noeud, degre_brut, degre_coordination from marts.{TOY} "
            "where code_departement = '93' order by 1"
        ).fetchall()
        assert rows == [("caf:93", 1, 1), ("cd:93", 1, 1), ("dispositif:pdi:departement:93", 2, 2)]

        # the dictionary: described from the declaration, nothing missing
        descr = dictionnaire.descriptions_completes({"nodes": {}, "sources": {}})
        assert descr[TOY]["description"] == TOY_DECLARATION["description"]
        assert descr[TOY]["colonnes"]["degre_brut"] == "Nombre de liens du nœud, entrants et sortants."
        reelles = dictionnaire.colonnes_reelles(con)
        assert [m for m in dictionnaire.sans_description(descr, reelles) if m.startswith(TOY)] == []

        # the exports: one Parquet file per mart, with the rows of the département only
        assert filtre_departement(con, TOY, "93") == ("code_departement = ?", ["93"])
        lignes = exporter_parquet(con, "93", tmp_path / "exports", marts=[TOY])
    assert lignes == {TOY: 3}
    exported = pd.read_parquet(tmp_path / "exports" / f"{TOY}.parquet")
    assert set(exported["code_departement"]) == {"93"} and list(exported.columns) == list(
        frames["93"][TOY].columns
    )


def test_a_measure_returning_other_columns_than_declared_fails(declared, monkeypatch):
    (toy,) = [t for t in declaration.mesures() if t.nom == TOY]
    shrunk = declaration.TableGraphe(**{**toy.__dict__, "colonnes": {"code_departement": "", "id_noeud": ""}})
    with pytest.raises(declaration.DeclarationInvalide, match=rf"declares for marts.{TOY}"):
        pipeline.calculer_mesures(
            _graphe("93"),
            None,
            pipeline.analyse.Parametres(),
            [*[t for t in declaration.mesures() if t.nom != TOY], shrunk],
        )
