"""The comité's workbooks on the session's real 93 build (issue 17): produced with the kit, filled as
a comité would and read back against the real priorities and actors (read-only: the warehouse of
the session is not changed), the empty history marts built, the « Suivi » section in the report."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from openpyxl import load_workbook

from graph.modele import ACTOR_TYPES
from ingest.documents.pseudonymisation import Pseudonymiser
from ingest.suivi import referentiel
from ingest.suivi_lecture import read_classeur

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ref(built_93):
    con = duckdb.connect(str(built_93.warehouse), read_only=True)
    try:
        types = {code: libelle for code, (libelle, _groupe) in ACTOR_TYPES.items()}
        return referentiel(con, "93", types)
    finally:
        con.close()


def _entetes(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def _auteur(wb, role: str, date: dt.datetime) -> None:
    for row in wb["Lisez-moi"].iter_rows(min_row=1, max_row=30, max_col=2):
        if row[0].value == "Rôle ou organisation de l'auteur":
            row[1].value = role
        if row[0].value in ("Date du comité", "Date de la correction"):
            row[1].value = date


def test_decisions_workbook_of_the_93_reads_back_against_the_real_priorities(built_93, ref, tmp_path):
    chemin = built_93.output / "kit" / "suivi_93.xlsx"
    wb = load_workbook(chemin)
    ws = wb["Décisions"]
    classees = built_93.query(
        "select count(*) from marts.priorites where code_departement = '93' and rang_axe is not null"
    )[0][0]
    assert ws.max_row - 1 == classees > 0
    pilotes = [c.value for c in wb["Listes"]["C"]][1:]
    acteurs = built_93.query(
        "select count(*) from marts.acteurs where code_departement = '93' and type_noeud = 'acteur' "
        "and libelle is not null"
    )[0][0]
    assert len(pilotes) == len(set(pilotes)) == acteurs
    e = _entetes(ws)
    _auteur(wb, "Secrétariat du comité, DDETS", dt.datetime(2026, 3, 10))
    ws.cell(2, e["Décision du comité"]).value = "retenue"
    ws.cell(2, e["Pilote"]).value = pilotes[0]
    ws.cell(2, e["Échéance"]).value = dt.datetime(2026, 6, 30)
    ws.cell(3, e["Décision du comité"]).value = "à instruire"
    ws.cell(4, e["Décision du comité"]).value = "retenue"
    ws.cell(4, e["Échéance"]).value = "30/02/2026"
    depot = tmp_path / "93" / "suivi" / "d.xlsx"
    depot.parent.mkdir(parents=True)
    wb.save(depot)
    lecture = read_classeur(depot, ref, Pseudonymiser(b"sel"))
    lues = {x["ligne"]: x for x in lecture.lignes}
    assert lues[2]["decision"] == "retenue" and lues[3]["decision"] == "a_instruire"
    priorites = {
        r[0] for r in built_93.query("select id_priorite from marts.priorites where code_departement = '93'")
    }
    assert lues[2]["id_priorite"] in priorites and lues[2]["id_pilote"] in ref.acteurs
    assert [(q.line, "date impossible" in q.reason) for q in lecture.rejets] == [(4, True)]


def test_network_workbook_of_the_93_lists_the_graph_and_reads_an_added_link(built_93, ref, tmp_path):
    wb = load_workbook(built_93.output / "kit" / "acteurs_liens_93.xlsx")
    acteurs, liens = wb["Acteurs"], wb["Liens"]
    ea, el = _entetes(acteurs), _entetes(liens)
    nb = sum(1 for r in range(2, acteurs.max_row + 1) if acteurs.cell(r, ea["Nom de l'acteur"]).value)
    assert nb == built_93.query(
        "select count(*) from marts.acteurs where code_departement = '93' and type_noeud = 'acteur'"
    )[0][0]
    _auteur(wb, "Chargée de mission insertion, conseil départemental", dt.datetime(2026, 3, 12))
    fin = 2
    while liens.cell(fin, el["Acteur"]).value is not None:
        fin += 1
    assert fin > 2  # the graph's coordination links are listed
    liens.cell(fin, el["Acteur"]).value = liens.cell(2, el["Acteur"]).value
    liens.cell(fin, el["Nature du lien"]).value = "finance"
    lie = el["Acteur ou dispositif lié"]
    liens.cell(fin, lie).value = liens.cell(3, lie).value
    liens.cell(fin, el["Preuve"]).value = "Convention 2026"
    liens.cell(2, el["Lien erroné"]).value = "oui"
    depot = tmp_path / "93" / "suivi" / "r.xlsx"
    depot.parent.mkdir(parents=True)
    wb.save(depot)
    lecture = read_classeur(depot, ref, Pseudonymiser(b"sel"))
    assert not lecture.rejets, lecture.rejets
    assert sorted(x["action"] for x in lecture.lignes) == ["ajout_lien", "lien_errone"]


def test_history_marts_exist_and_the_report_has_the_suivi_section(built_93):
    for mart in ("suivi_decisions", "reseau_corrections"):
        assert built_93.query(f"select count(*) from marts.{mart} where code_departement = '93'")[0][0] == 0
    html = (built_93.output / "rapport_diagnostic.html").read_text(encoding="utf-8")
    assert "Décisions du comité et avancement" in html
    fiche = (built_93.output / "kit" / "fiche_axe_A2.html").read_text(encoding="utf-8")
    assert "Aucune décision du comité n'a encore été enregistrée" in fiche
