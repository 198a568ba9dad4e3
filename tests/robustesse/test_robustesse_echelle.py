"""Trial « 100 000 local offer rows » (issue 15, point 7), kept cheap: the benchmark's generator writes
rows the real local reader accepts, and the coordination analysis never compares operators pair by pair
(the cause of the 20-minute run). The timed proof is the benchmark case ``build_93_offre_locale_100k``
(benchmarks/run.py, result in docs/performance.md), never a timed test."""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import pytest

from graph import analyse
from graph.modele import Evidence, add_edge, add_node, new_graph
from ingest.offre import local

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import offre_locale_massive  # noqa: E402


def test_generated_rows_are_all_read_by_the_real_local_reader(tmp_path, data_dir):
    path = offre_locale_massive.ecrire(tmp_path / "inbox", "93", 1_000, data_dir)
    assert (
        path.read_text(encoding="utf-8").splitlines()[0]
        == (Path(__file__).resolve().parents[2] / "templates" / "offre_locale.csv")
        .read_text(encoding="utf-8")
        .splitlines()[0]
    )
    structures, services = local.read_local_inbox(tmp_path / "inbox", data_dir)
    assert structures.quarantine == [] and services.quarantine == []
    assert len(structures.frame) == len(services.frame) == 1_000
    assert set(structures.frame["code_insee"].str[:2]) == {"93"}
    # the same arguments write the same file
    again = offre_locale_massive.ecrire(tmp_path / "autre", "93", 1_000, data_dir)
    assert again.read_bytes() == path.read_bytes()


def _graphe(n: int):
    """n isolated operators of one domain in 4 communes (as local offer rows are), plus a few ties."""
    g = new_graph("93")
    ev = Evidence("catalogue", "donnee", "x", 0.8)
    add_node(g, "domaine:D", "domaine", "D", code_axe="A2", code_domaine="D")
    communes = [f"9300{i}" for i in range(4)]
    for i, c in enumerate(communes):
        add_node(
            g,
            f"territoire:commune:{c}",
            "territoire",
            c,
            niveau="commune",
            code_territoire=c,
            code_ept=f"E{i % 2}",
        )
    add_node(g, "disp", "dispositif", "disp", code_dispositif="x", communes=communes, axes=["A2"])
    for a in range(n):
        c = communes[a % 4]
        add_node(g, f"s{a:05d}", "acteur", f"S{a}", type_acteur="association", code_commune=c)
        add_node(g, f"svc{a:05d}", "service", "svc", code_commune=c, code_domaine="D")
        add_edge(g, f"s{a:05d}", f"svc{a:05d}", "offre", ev)
        if a % 50 == 0:
            add_edge(g, f"s{a:05d}", "disp", "partenaire_de", ev)
    return g


def test_fragmentation_and_unlinked_operators_are_not_computed_pair_by_pair(monkeypatch):
    n = 1_200
    g = _graphe(n)
    calls = []
    real = analyse.lie
    monkeypatch.setattr(analyse, "lie", lambda *a: calls.append(a) or real(*a))
    faiblesse = analyse.faiblesse_coordination(g)
    manquants = analyse.liens_manquants(g)
    # pair by pair, the département alone holds n(n-1)/2 = 719 400 pairs of operators
    assert len(calls) < n, f"{len(calls)} pair tests for {n} operators"
    dep = faiblesse.set_index(["niveau", "code_domaine"]).loc[("departement", "D")]
    tied = 24 * 23 // 2  # the 24 partners of the dispositif are tied to each other, nobody else is
    assert dep["fragmentation"] == pytest.approx(round(1 - tied / (n * (n - 1) // 2), 6))
    assert dep["isolement"] == pytest.approx(round(1 - 24 / n, 6))
    # the partners are all in a commune of EPT E0: E1's 600 operators have no tie at all
    sans_lien = manquants.query("regle == 'operateurs_sans_lien'")
    assert sans_lien["code_territoire"].tolist() == ["E1"]
    assert '"nb_operateurs": 600' in sans_lien["details"].iloc[0]


def test_the_two_local_readers_parse_the_inbox_once(tmp_path, data_dir, monkeypatch):
    offre_locale_massive.ecrire(tmp_path / "inbox", "93", 30, data_dir)
    calls = []
    real = local.read_local_inbox
    monkeypatch.setattr(local, "read_local_inbox", lambda *a: calls.append(a) or real(*a))
    structures = local.read_local_structures(tmp_path / "inbox", data_dir)
    services = local.read_local_services(tmp_path / "inbox", data_dir)
    assert len(calls) == 1 and len(structures.frame) == len(services.frame) == 30
    assert services.frame["structure_id"].tolist() == structures.frame["id"].tolist()
    # each half is handed out once: the next build reads again, and a changed inbox is read again
    local.read_local_structures(tmp_path / "inbox", data_dir)
    assert len(calls) == 2
    offre_locale_massive.ecrire(tmp_path / "inbox", "93", 20, data_dir)
    assert len(local.read_local_services(tmp_path / "inbox", data_dir).frame) == 20
    assert len(calls) == 3


def test_schema_conformity_validates_each_distinct_value_once_with_the_same_deviations(data_dir):
    from ingest import conformite_offre as co

    validator = co.load_validator(str(data_dir), "service")
    values = {
        "source": ["local", None, 3],
        "cle_structure": ["local--1", None],
        "cle_service": ["local--1--service", "x", None],
        "nom": ["Épicerie", "É", "x" * 200, None],
        "description": ["Accueil et orientation.", "court", None],
        "date_maj": ["2025-01-15", "15/01/2025", None],
        "type_service": ["accompagnement", "inconnu", None],
        "thematiques": [["famille--garde-denfants"], ["famille--garde-denfants", "pas-un-code"], [], None],
        "publics": [["jeunes"], ["jeunes", "jeunes"], None],
        "code_insee": ["93066", "9306", None],
        "code_postal": ["93200", "932", None],
        "longitude": [2.35, "2,35", None],
        "modes_accueil": [["en-presentiel"], ["a-pied"], None],
    }
    rows = []
    for i in range(400):  # every value of every field meets every other, many times over
        row = {column: options[(i * (k + 3) + i // 7) % len(options)]
               for k, (column, options) in enumerate(values.items())}
        rows.append({**row, "table_source": "local"})
    got = list(co.violations(rows, "service", validator, "cle_service"))
    expected = []
    for row in rows:
        record = {k: v for k, v in co.service_record(row).items() if v is not None}
        for error in validator.iter_errors(record):
            champ, raison, texte = co._deviation(error)
            expected.append(co.Violation("service", str(row["cle_service"]), "local", champ, raison, texte))
    assert got == expected
    assert {v.raison.split(" :")[0] for v in got} >= {
        "champ obligatoire absent", "valeur non conforme", "texte trop court", "texte trop long"}


def test_the_detector_skips_only_finders_whose_every_kind_is_left_out(monkeypatch):
    from ingest.documents import detection as d

    textes = [
        "Appeler Mme Dupont au 06 71 28 45 90 ou jean.dupont@exemple.fr, 12 rue des Lilas",
        "Jean Martin habite 3 avenue Victor Hugo ; NIR 1 84 12 75 123 456 78, IBAN FR76 3000 6000 0112 "
        "3456 7890 189",
        "Épicerie sociale Bondy n° 123",
    ]
    for texte in textes:
        tout = d.find_personal_data(texte, d.ALL_KINDS)
        for kinds in (d.MIXED_KINDS, d.DERIVED_KINDS, frozenset({"telephone"})):
            assert d.find_personal_data(texte, kinds) == [f for f in tout if f.kind in kinds]
    assert {k for _, kinds in d._FINDERS for k in kinds} | {"email"} <= d.ALL_KINDS
    calls = []
    monkeypatch.setattr(d, "_FINDERS", tuple((lambda t, f=f: calls.append(f) or f(t), k) for f, k in d._FINDERS))
    d.find_personal_data(textes[0], d.MIXED_KINDS)
    assert d._unmarked_names not in calls and d._phones in calls


def test_betweenness_takes_fewer_pivots_past_its_budget_and_says_how_many():
    g = _graphe(300)
    gc = analyse.coordination_graph(g)
    visites = gc.number_of_nodes() + gc.number_of_edges()
    normal = analyse.Parametres(seuil_intermediarite_exacte=50)
    assert analyse.intermediarite(gc, normal)[1:] == ("approchee", 150)  # the default budget: unchanged
    petit = analyse.Parametres(seuil_intermediarite_exacte=50, budget_intermediarite=40 * visites, k_minimum=10)
    values, method, k = analyse.intermediarite(gc, petit)
    assert (method, k) == ("approchee", 40) and set(values) == set(gc)
    frame = analyse.coordination_acteurs(g, petit)
    assert set(frame["methode_intermediarite"]) == {"approchee"} and set(frame["k_echantillon"]) == {40}
    plancher = analyse.Parametres(seuil_intermediarite_exacte=50, budget_intermediarite=visites, k_minimum=10)
    assert analyse.intermediarite(gc, plancher)[1:] == ("approchee", 10)


def test_past_a_size_betweenness_pivots_are_drawn_among_tied_nodes_and_the_method_says_so():
    g = _graphe(2_000)  # 2 000 operators, 40 of them partners of the dispositif, the others isolated
    gc = analyse.coordination_graph(g)
    tied = sum(1 for v in gc if gc.degree(v) > 0)
    params = analyse.Parametres(seuil_intermediarite_exacte=50, seuil_pivots_lies=1_000, k_echantillon=tied)
    values, method, k = analyse.intermediarite(gc, params)
    assert (method, k) == ("approchee_noeuds_lies", tied)
    # every tied node a pivot: the estimate is the exact betweenness of the whole graph
    assert values == pytest.approx(nx.betweenness_centrality(gc, normalized=True))
    assert analyse.intermediarite(gc, analyse.Parametres(seuil_intermediarite_exacte=50))[1] == "approchee"
    frame = analyse.coordination_acteurs(g, params)
    assert set(frame["methode_intermediarite"]) == {"approchee_noeuds_lies"}


def test_the_warehouse_scan_examines_each_distinct_text_once_and_counts_every_occurrence(monkeypatch):
    import duckdb

    from ingest.documents import balayage as d

    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.documents_passages (texte varchar, titre_document varchar)")
    rows = [("Appeler le 06 71 28 45 90", "Compte rendu")] * 500 + [("Rien à signaler", "Compte rendu")] * 500
    con.executemany("insert into raw.documents_passages values (?, ?)", rows)
    calls = []
    real = d.find_personal_data
    monkeypatch.setattr(d, "find_personal_data", lambda t, k=d.ALL_KINDS: calls.append(t) or real(t, k))
    found = d.scan_warehouse(con, None)
    assert found == ["numéro de téléphone dans raw.documents_passages.texte (500)"]
    assert len(calls) == 3  # two texts and one title
