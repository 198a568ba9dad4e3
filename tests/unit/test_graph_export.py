"""Graph ↔ tables round trip, per-département rewrite of the marts, GraphML, quarantine rows."""

from __future__ import annotations

import duckdb
import networkx as nx
import pandas as pd
import pytest

from graph.export import (
    EDGE_COLUMNS,
    NODE_COLUMNS,
    graph_from_tables,
    read_departement,
    tables_from_graph,
    write_departement,
    write_graphml,
    write_quarantine,
)
from graph.modele import Evidence, add_edge, add_node, new_graph
from ingest.core import QuarantineRow


def sample(code: str = "93") -> nx.MultiDiGraph:
    g = new_graph(code)
    add_node(
        g,
        f"caf:{code}",
        "acteur",
        "CAF",
        type_acteur="caf",
        axes=["A1", "A3"],
        population=12.5,
        sources=["modele", "registre"],
    )
    add_node(
        g,
        "d",
        "dispositif",
        "PDI",
        code_dispositif="pdi",
        communes=["93001"],
        historique=False,
        pilotes_attendus=["conseil_departemental"],
    )
    add_node(g, "t", "territoire", "Aubervilliers", niveau="commune", code_territoire="93001", est_qpv=True)
    add_edge(g, f"caf:{code}", "d", "partenaire_de", Evidence("documents", "passage", "P1", 0.5))
    add_edge(g, f"caf:{code}", "d", "partenaire_de", Evidence("registre", "convention", "C1", 0.6, "2024"))
    add_edge(g, f"caf:{code}", "d", "finance", Evidence("registre", "convention", "C1", 0.9))
    add_edge(g, "d", "t", "couvre", Evidence("modele", "donnee", "modèle", 1.0))
    return g


def test_round_trip_keeps_every_attribute_and_evidence():
    g = sample()
    nodes, edges = tables_from_graph(g)
    assert list(nodes.columns) == NODE_COLUMNS and list(edges.columns) == EDGE_COLUMNS
    assert len(edges) == 3 and edges["id_lien"].is_unique
    row = edges[(edges["type_lien"] == "partenaire_de")].iloc[0]
    assert (
        row["confiance"] == pytest.approx(0.8)
        and row["nb_preuves"] == 2
        and row["type_lien_en"] == "partner_of"
    )
    h = graph_from_tables(nodes, edges)
    assert h.graph["code_departement"] == "93"
    assert dict(h.nodes["caf:93"]) == dict(g.nodes["caf:93"])
    assert dict(h.nodes["d"]) == dict(g.nodes["d"])
    assert h.nodes["t"]["est_qpv"] is True
    for u, v, k, data in g.edges(keys=True, data=True):
        assert (
            h.edges[u, v, k]["preuves"] == data["preuves"]
            and h.edges[u, v, k]["confiance"] == data["confiance"]
        )


def test_write_replaces_one_departement_and_survives_new_columns(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    nodes93, _ = tables_from_graph(sample("93"))
    nodes974, _ = tables_from_graph(sample("974"))
    write_departement(con, "marts.acteurs", nodes93, "93")
    write_departement(con, "marts.acteurs", nodes974, "974")
    write_departement(con, "marts.acteurs", nodes93.head(1), "93")  # rebuild of 93 only
    counts = dict(con.execute("select code_departement, count(*) from marts.acteurs group by 1").fetchall())
    assert counts == {"93": 1, "974": 3}
    wider = nodes93.assign(nouvelle_colonne="x")
    write_departement(con, "marts.acteurs", wider, "93")
    counts = dict(con.execute("select code_departement, count(*) from marts.acteurs group by 1").fetchall())
    assert counts == {"93": 3, "974": 3}
    assert con.execute("select count(nouvelle_colonne) from marts.acteurs").fetchall()[0][0] == 3
    assert len(read_departement(con, "marts.acteurs", "974")) == 3
    with pytest.raises(LookupError, match="marts.liens n'existe pas"):
        read_departement(con, "marts.liens", "93")
    con.close()


def test_quarantine_rows_of_one_departement(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    rows = [QuarantineRow("registre_liens", "registre/93/liens.csv", 7, "source", "identifiant inconnu")]
    write_quarantine(con, "registre_references", rows, "93")
    write_quarantine(
        con, "registre_references", [QuarantineRow("x", "registre/974/liens.csv", 2, "cible", "r")], "974"
    )
    write_quarantine(con, "registre_references", rows, "93")  # rebuild: replaced, not doubled
    got = con.execute("select source_file, line, field from quarantine.rejets order by 1").fetchall()
    assert got == [("registre/93/liens.csv", 7, "source"), ("registre/974/liens.csv", 2, "cible")]
    con.close()


def test_graphml_is_readable(tmp_path):
    path = write_graphml(sample(), tmp_path / "93" / "graphe.graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == 3 and back.number_of_edges() == 3
    assert back.nodes["caf:93"]["type_acteur"] == "caf"
    assert '"A1"' in back.nodes["caf:93"]["axes"]
    assert pd.notna(back.graph.get("code_departement"))


def test_past_its_size_the_graphml_is_streamed_and_reads_back_the_same(tmp_path):
    """A graph past the size is streamed without networkx's element tree: the same keys, nodes, ties and
    values for a GraphML reader (text to escape, numbers, yes/no, lists); below the size, networkx
    writes it."""
    g = sample()
    g.add_node("o&<x>", type_noeud="offre", libelle='Café « A » & fils <1>\n"ligne"\r\t2', places=3)
    g.nodes["t"]["est_qpv"] = False  # a node attribute that is False on one node, True on another
    add_edge(g, "o&<x>", "t", "situe_dans", Evidence("offre", "donnee", "ligne 2", 0.75))
    petit = write_graphml(g, tmp_path / "reseau.graphml")
    flux = write_graphml(g, tmp_path / "flux.graphml", seuil=g.number_of_nodes() + g.number_of_edges() - 1)
    assert "<node id" in flux.read_text(encoding="utf-8")
    assert petit.read_bytes() != flux.read_bytes()  # not the networkx writer
    a, b = (nx.read_graphml(p, force_multigraph=True) for p in (petit, flux))
    assert a.graph == b.graph and a.graph["code_departement"] == "93"
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    assert b.nodes["o&<x>"]["libelle"] == 'Café « A » & fils <1>\n"ligne"\r\t2'
    assert b.nodes["o&<x>"]["places"] == 3 and b.nodes["d"]["historique"] is False
    assert b.edges["o&<x>", "t", "situe_dans"]["confiance"] == 0.75
    assert not list(tmp_path.glob("*.partiel"))
    g.nodes["d"]["libelle"] = "PDI\x01"
    with pytest.raises(ValueError, match="nœud 'd'.*caractère interdit"):
        write_graphml(g, tmp_path / "flux.graphml", seuil=0)
    assert not list(tmp_path.glob("*.partiel"))
