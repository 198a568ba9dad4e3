"""The comité's loop (issue 17) on a small hand-made warehouse: the decisions workbook is produced,
filled as a comité would (openpyxl), dropped in the inbox and read back into the append-only
history; the real SQL of ``marts.suivi_decisions`` builds the mart; the next fiche shows the
decisions; bad cells go to the quarantine with sheet, row, column and reason; the « acteurs et
liens » workbook adds an actor and a link and marks a link wrong, which the graph applies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _priorites_lignes  # noqa: E402

from graph import comite  # noqa: E402
from graph.modele import ACTOR_TYPES  # noqa: E402
from ingest.documents.pseudonymisation import Pseudonymiser  # noqa: E402
from ingest.suivi import TABLE_CORRECTIONS, TABLE_DECISIONS, referentiel  # noqa: E402
from ingest.suivi_chargement import ingest_suivi  # noqa: E402
from ingest.suivi_lecture import read_classeur  # noqa: E402
from rapport.lisible import identifiants_visibles  # noqa: E402
from rapport.rendu import environnement  # noqa: E402
from rapport.suivi import suivi_departement  # noqa: E402
from rapport.suivi_classeurs import ecrire_classeur_decisions, ecrire_classeur_reseau  # noqa: E402
from tests.unit._vocabulaire_graphe import charger_seed  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
MART_SQL = REPO / "dbt_project" / "models" / "marts" / "suivi" / "suivi_decisions.sql"
VUE_SQL = REPO / "dbt_project" / "models" / "intermediate" / "suivi" / "int_suivi__decisions.sql"
RACINE = Path(tempfile.mkdtemp(prefix="pacte-suivi-"))
SEL = b"sel-de-test"
# the graph's actor types as the orchestration hands them to ingest.suivi (code → French label)
TYPES_ACTEURS = {code: libelle for code, (libelle, _groupe) in ACTOR_TYPES.items()}
PRODUIT = dt.date(2026, 3, 2)
CHARGE = dt.datetime(2026, 3, 20, 9, 0)


def _sql_dbt(chemin: Path) -> str:
    """The real SQL of a dbt file, config and comments dropped, source and refs resolved as dbt would."""
    sql = chemin.read_text(encoding="utf-8")
    sql = re.sub(r"\{\{\s*config\(.*?\)\s*\}\}", "", sql, flags=re.S)
    sql = re.sub(r"\{#.*?#\}", "", sql, flags=re.S)
    sql = re.sub(r"\{\{\s*source\('suivi',\s*'(\w+)'\)\s*\}\}", r"raw.\1", sql)
    sql = re.sub(r"\{\{\s*ref\('(classeur_suivi_\w+)'\)\s*\}\}", r"rapport.\1", sql)
    sql = re.sub(r"\{\{\s*ref\('(int_\w+)'\)\s*\}\}", r"intermediate.\1", sql)
    return re.sub(r"\{\{\s*ref\('(\w+)'\)\s*\}\}", r"marts.\1", sql)


def construire_mart(con: duckdb.DuckDBPyConnection) -> None:
    """The real SQL of marts.suivi_decisions and of the view it reads, resolved as dbt would."""
    con.execute("create schema if not exists intermediate")
    con.execute(f"create or replace view intermediate.int_suivi__decisions as {_sql_dbt(VUE_SQL)}")
    con.execute(f"create or replace table marts.suivi_decisions as {_sql_dbt(MART_SQL)}")


@pytest.fixture(scope="module")
def entrepot() -> Path:
    source = _priorites_lignes.entrepot_priorites(RACINE)
    copie = RACINE / "suivi.duckdb"
    shutil.copy(source, copie)
    con = duckdb.connect(str(copie))
    try:  # a second coordination link between two actors
        con.execute(
            "insert into marts.liens (code_departement, source, cible, type_lien, id_lien, preuves) values "
            "('93', 'france_travail:93', 'conseil_departemental:93', 'partenaire_de', 'ft-cd', "
            '\'[{"origine": "registre", "reference": "https://example.org/convention"}]\')'
        )
        charger_seed(con, "acteurs_types")  # the actor types' labels the network workbook lists
    finally:
        con.close()
    return copie


@pytest.fixture()
def con(entrepot, tmp_path):
    path = tmp_path / "w.duckdb"
    shutil.copy(entrepot, path)
    connexion = duckdb.connect(str(path))
    try:
        yield connexion
    finally:
        connexion.close()


def _entetes(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def _auteur(wb, role: str | None, date: object) -> None:
    ws = wb["Lisez-moi"]
    for row in ws.iter_rows(min_row=1, max_row=30, max_col=2):
        if row[0].value == "Rôle ou organisation de l'auteur":
            row[1].value = role
        if row[0].value in ("Date du comité", "Date de la correction"):
            row[1].value = date


def _deposer(wb, inbox: Path, nom: str, mtime: float) -> Path:
    import os

    chemin = inbox / "93" / "suivi" / nom
    chemin.parent.mkdir(parents=True, exist_ok=True)
    wb.save(chemin)
    os.utime(chemin, (mtime, mtime))
    return chemin


def _produire(con, tmp_path) -> Path:
    chemin = tmp_path / "kit" / "suivi_93.xlsx"
    ecrire_classeur_decisions(con, "93", "Seine-Saint-Denis", chemin, PRODUIT)
    return chemin


def test_decisions_workbook_lists_ranked_priorities_protected_with_lists_and_dates(con, tmp_path):
    chemin = _produire(con, tmp_path)
    wb = load_workbook(chemin)
    assert wb.sheetnames == ["Lisez-moi", "Décisions", "Listes"]
    ws = wb["Décisions"]
    entetes = _entetes(ws)
    classees = con.execute(
        "select count(*) from marts.priorites where code_departement = '93' and rang_axe is not null"
    ).fetchone()[0]
    assert ws.max_row - 1 == classees > 0
    # the stable keys are hidden, explained in the read-me, and locked; the comité's columns are open
    cle = entetes["Clé de la ligne (ne pas modifier)"]
    assert ws.column_dimensions[ws.cell(1, cle).column_letter].hidden
    assert ws.protection.sheet and ws.cell(2, cle).protection.locked
    assert not ws.cell(2, entetes["Décision du comité"]).protection.locked
    assert "repère stable" in " ".join(
        str(c.value) for r in wb["Lisez-moi"].iter_rows() for c in r if c.value
    )
    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    lettre = ws.cell(1, entetes["Décision du comité"]).column_letter
    assert validations[f"{lettre}2"].type == "list" and "Listes" in validations[f"{lettre}2"].formula1
    lettre = ws.cell(1, entetes["Échéance"]).column_letter
    assert validations[f"{lettre}2"].type == "date"
    listes = [c.value for c in wb["Listes"]["A"]][1:4]
    assert listes == ["retenue", "écartée", "à instruire"]
    # the lists are headed in French; their key columns (« … (clé) ») are hidden
    for cellule in wb["Listes"][1]:
        cachee = wb["Listes"].column_dimensions[cellule.column_letter].hidden
        assert cachee == str(cellule.value).endswith(" (clé)"), cellule.value
    assert [c.value for c in wb["Listes"][1]][::2] == ["Décision du comité", "Pilote"]
    # the baseline of the measured indicator is written by the platform
    ref = ws.cell(2, entetes["Valeur de référence"]).value
    assert ref is not None and ws.cell(2, entetes["Indicateur mesuré"]).value
    # numbers are numbers with a format (Excel writes them « 26,1 »), never text
    assert isinstance(ref, float) and ws.cell(2, entetes["Valeur de référence"]).number_format == "#,##0.0"
    # nothing a person reads is an identifier (visible text cells only)
    visibles = [
        c.value
        for feuille in ("Lisez-moi", "Décisions")
        for r in wb[feuille].iter_rows()
        for c in r
        if isinstance(c.value, str) and not wb[feuille].column_dimensions[c.column_letter].hidden
    ]
    html = "<html><body>" + "".join(f"<p>{v}</p>" for v in visibles) + "</body></html>"
    assert identifiants_visibles(html) == []


def _remplir(
    chemin: Path,
    lignes: dict[int, dict[str, object]],
    role="Secrétariat du comité, DDETS",
    date=dt.datetime(2026, 3, 10),
):
    wb = load_workbook(chemin)
    _auteur(wb, role, date)
    ws = wb["Décisions"]
    entetes = _entetes(ws)
    for ligne, valeurs in lignes.items():
        for entete, valeur in valeurs.items():
            ws.cell(ligne, entetes[entete]).value = valeur
    return wb


def test_filled_workbook_is_read_into_history_and_the_next_fiche_two_versions_kept(con, tmp_path):
    chemin = _produire(con, tmp_path)
    pilote = load_workbook(chemin)["Listes"]["C2"].value  # first actor of the drop-down
    inbox = tmp_path / "inbox"
    wb = _remplir(
        chemin,
        {
            2: {
                "Décision du comité": "retenue",
                "Pilote": pilote,
                "Partenaires": "CAF ; communes",
                "Échéance": dt.datetime(2026, 6, 30),
                "Commentaire": "Voir avec M. Dupont au 06 12 34 56 78",
            },
            3: {"Décision du comité": "à instruire"},
        },
    )
    _deposer(wb, inbox, "decisions_mars.xlsx", 1_770_000_000)
    rapport = ingest_suivi(con, "93", inbox, SEL, "decisions", TYPES_ACTEURS, maintenant=CHARGE)
    assert rapport.decisions == 2 and not rapport.rejets
    rows = con.execute(
        f"select id_priorite, decision, pilote, partenaires, echeance, auteur_role, commentaire "
        f"from raw.{TABLE_DECISIONS} order by ligne"
    ).fetchall()
    assert [r[1] for r in rows] == ["retenue", "a_instruire"]
    assert rows[0][2] == pilote and rows[0][4] == dt.date(2026, 6, 30)
    assert rows[0][5] == "Secrétariat du comité, DDETS"
    # no personal data: the name after the civility and the phone number are pseudonymised
    assert "Dupont" not in rows[0][6] and "06 12" not in rows[0][6] and "[PERSONNE_" in rows[0][6]
    # reading the same file again adds nothing
    assert ingest_suivi(con, "93", inbox, SEL, "decisions", TYPES_ACTEURS, maintenant=CHARGE).decisions == 0
    # a second version (another comité) is kept beside the first
    wb2 = _remplir(
        chemin,
        {2: {"Décision du comité": "écartée", "Commentaire": "Offre suffisante"}},
        date=dt.datetime(2026, 5, 12),
    )
    _deposer(wb2, inbox, "decisions_mai.xlsx", 1_775_000_000)
    assert ingest_suivi(con, "93", inbox, SEL, "decisions", TYPES_ACTEURS, maintenant=CHARGE).decisions == 1
    construire_mart(con)
    histoire = con.execute(
        "select id_priorite, numero_version, derniere_version, decision, libelle_decision "
        "from marts.suivi_decisions order by id_priorite, numero_version"
    ).fetchall()
    premiere = rows[0][0]
    assert [(h[1], h[2], h[3]) for h in histoire if h[0] == premiere] == [
        (1, False, "retenue"),
        (2, True, "ecartee"),
    ]
    assert len(histoire) == 3
    # the next fiche: the latest decisions with their progress, deadline against an injected date
    suivi = suivi_departement(con, "93", dt.date(2026, 7, 1))
    assert suivi["nb_versions"] == 2 and len(suivi["decisions"]) == 2
    retenue = next(d for d in suivi["decisions"] if d["decision"] == "a_instruire")
    assert retenue["evolution"]
    ecartee = next(d for d in suivi["decisions"] if d["id_priorite"] == premiere)
    assert ecartee["versions_precedentes"] == ["retenue le 10/03/2026"] and not ecartee["en_retard"]
    axe = ecartee["code_axe"]
    html = (
        environnement()
        .from_string(
            '{% import "_suivi.html" as s %}<html><body>{{ s.decisions_comite(suivi, axe) }}</body></html>'
        )
        .render(suivi=suivi, axe=axe)
    )
    assert "écartée (comité du 12/05/2026)" in html and "avant : retenue le 10/03/2026" in html
    assert identifiants_visibles(html) == []
    # the next kit's workbook starts from the latest decisions, for the comité to update them
    suivant = load_workbook(_produire(con, tmp_path / "suivant"))["Décisions"]
    e = _entetes(suivant)
    assert suivant.cell(2, e["Décision du comité"]).value == "écartée"
    assert suivant.cell(2, e["Commentaire"]).value == "Offre suffisante"
    assert suivant.cell(3, e["Décision du comité"]).value == "à instruire"


def test_overdue_deadline_is_said_against_the_injected_date(con, tmp_path):
    chemin = _produire(con, tmp_path)
    inbox = tmp_path / "inbox"
    wb = _remplir(chemin, {2: {"Décision du comité": "retenue", "Échéance": "31/01/2026"}})
    _deposer(wb, inbox, "d.xlsx", 1_770_000_000)
    ingest_suivi(con, "93", inbox, SEL, "decisions", TYPES_ACTEURS, maintenant=CHARGE)
    construire_mart(con)
    assert suivi_departement(con, "93", dt.date(2026, 2, 1))["nb_en_retard"] == 1
    assert suivi_departement(con, "93", dt.date(2026, 1, 31))["nb_en_retard"] == 0


def test_bad_cells_are_quarantined_with_sheet_row_column_and_the_rest_is_read(con, tmp_path):
    chemin = _produire(con, tmp_path)
    inbox = tmp_path / "inbox"
    wb = _remplir(
        chemin,
        {
            2: {"Décision du comité": "retenue", "Pilote": "Association inventée"},  # unknown actor
            3: {"Décision du comité": "retenue", "Échéance": "31/02/2026"},  # impossible date
            4: {"Décision du comité": "retenue", "Valeur de départ": "=1+1"},  # formula
            5: {"Décision du comité": "à instruire"},  # good
        },
    )
    wb.create_sheet("Feuil2")["A1"] = "notes"  # a sheet the platform does not know
    _deposer(wb, inbox, "bad.xlsx", 1_770_000_000)
    rapport = ingest_suivi(con, "93", inbox, SEL, "decisions", TYPES_ACTEURS, maintenant=CHARGE)
    assert rapport.decisions == 1
    rejets = con.execute(
        "select line, field, reason from quarantine.rejets where table_name = 'suivi_decisions' order by line"
    ).fetchall()
    par_ligne = {r[0]: r for r in rejets}
    assert "acteur inconnu" in par_ligne[2][2] and "feuille « Décisions », colonne" in par_ligne[2][1]
    assert "(Pilote)" in par_ligne[2][1]
    assert "date impossible" in par_ligne[3][2] and "(Échéance)" in par_ligne[3][1]
    assert "formule" in par_ligne[4][2] and "(Valeur de départ)" in par_ligne[4][1]
    assert any("Feuil2" in r[1] and "feuille inattendue" in r[2] for r in rejets)
    # a renamed sheet: the workbook is not one of the comité's, said so
    wb2 = load_workbook(chemin)
    _auteur(wb2, "DDETS", dt.datetime(2026, 3, 10))
    wb2["Décisions"].title = "Feuil1"
    _deposer(wb2, inbox, "renomme.xlsx", 1_770_000_100)
    ingest_suivi(con, "93", inbox, SEL, "decisions", TYPES_ACTEURS, maintenant=CHARGE)
    raisons = [
        r[0]
        for r in con.execute(
            "select reason from quarantine.rejets where source_file like '%renomme.xlsx'"
        ).fetchall()
    ]
    assert raisons and "feuille inattendue" in raisons[0]


def test_a_decision_on_a_priority_not_in_the_diagnostic_is_kept_raw_and_set_aside_by_dbt(con, tmp_path):
    """The key of a row changed in the workbook: the reader stores the row (whether the priority exists
    is dbt's check, once the priorities are built), the mart leaves it out, and the warning test lists
    it with its workbook, row and column, which `pacte build` lists with the quarantine."""
    from orchestration.progression import DECISIONS_ECARTEES, bilan_quarantaine

    chemin = _produire(con, tmp_path)
    wb = _remplir(chemin, {2: {"Décision du comité": "retenue"}, 3: {"Décision du comité": "à instruire"}})
    ws = wb["Décisions"]
    cle = _entetes(ws)["Clé de la ligne (ne pas modifier)"]
    ws.cell(3, cle).value = "93-commune-99999-inconnu"
    inbox = tmp_path / "inbox"
    _deposer(wb, inbox, "cle_changee.xlsx", 1_770_000_000)
    rapport = ingest_suivi(con, "93", inbox, SEL, "decisions", TYPES_ACTEURS, maintenant=CHARGE)
    assert rapport.decisions == 2 and not rapport.rejets
    construire_mart(con)
    assert con.execute("select count(*) from marts.suivi_decisions").fetchone()[0] == 1
    test = REPO / "dbt_project" / "tests" / f"{DECISIONS_ECARTEES}.sql"
    con.execute("create schema if not exists test_failures")
    con.execute(f"create table test_failures.{DECISIONS_ECARTEES} as {_sql_dbt(test)}")
    ecartees = con.execute(
        f"select ligne, champ, motif, id_priorite, fichier from test_failures.{DECISIONS_ECARTEES}"
    ).fetchall()
    assert [(e[0], e[3]) for e in ecartees] == [(3, "93-commune-99999-inconnu")]
    assert ecartees[0][1] == "feuille « Décisions », colonne A (Clé de la ligne (ne pas modifier))"
    assert ecartees[0][2].startswith("priorité inconnue")
    con.close()  # `pacte build` reads the warehouse once the build is over
    assert bilan_quarantaine(tmp_path / "w.duckdb", tmp_path / "ecartees.csv") == [(ecartees[0][4], 1)]
    lignes = (tmp_path / "ecartees.csv").read_text(encoding="utf-8").splitlines()
    assert lignes[1].startswith(f"{ecartees[0][4]};3;feuille « Décisions », colonne A")
    assert "priorité inconnue" in lignes[1]


def test_anonymous_or_personal_author_sets_the_workbook_aside(con, tmp_path):
    chemin = _produire(con, tmp_path)
    inbox = tmp_path / "inbox"
    _deposer(
        _remplir(chemin, {2: {"Décision du comité": "retenue"}}, role=None), inbox, "a.xlsx", 1_770_000_000
    )
    _deposer(
        _remplir(chemin, {2: {"Décision du comité": "retenue"}}, role="Mme Durand"),
        inbox,
        "b.xlsx",
        1_770_000_001,
    )
    rapport = ingest_suivi(con, "93", inbox, SEL, "decisions", TYPES_ACTEURS, maintenant=CHARGE)
    assert rapport.decisions == 0
    raisons = " ".join(q.reason for q in rapport.rejets)
    assert "aucune saisie anonyme" in raisons and "jamais par le nom d'une personne" in raisons
    assert "Durand" not in json.dumps(
        [q.content for q in rapport.rejets] + [q.reason for q in rapport.rejets]
    )


# ------------------------------------------------------------------------------------ corrections
def test_network_workbook_adds_an_actor_and_a_link_and_marks_a_link_wrong(con, tmp_path):
    chemin = tmp_path / "kit" / "acteurs_liens_93.xlsx"
    compte = ecrire_classeur_reseau(con, "93", "Seine-Saint-Denis", chemin, PRODUIT)
    assert compte["acteurs"] > 0 and compte["liens"] > 0
    wb = load_workbook(chemin)
    assert wb.sheetnames == ["Lisez-moi", "Acteurs", "Liens", "Listes"]
    _auteur(wb, "Chargée de mission insertion, conseil départemental", dt.datetime(2026, 4, 2))
    acteurs, liens = wb["Acteurs"], wb["Liens"]
    ea, el = _entetes(acteurs), _entetes(liens)
    existant = liens.cell(2, el["Acteur"]).value
    # add an actor
    ligne = acteurs.max_row + 1
    while acteurs.cell(ligne - 1, ea["Nom de l'acteur"]).value is None:
        ligne -= 1
    acteurs.cell(ligne, ea["Nom de l'acteur"]).value = "Épicerie solidaire du Pont"
    acteurs.cell(ligne, ea["Type d'acteur"]).value = "Association"
    acteurs.cell(ligne, ea["Commune"]).value = "Bobigny"
    acteurs.cell(ligne, ea["Sources"]).value = "https://example.org/epicerie"
    # add a link from it, with its evidence
    fin = 2
    while liens.cell(fin, el["Acteur"]).value is not None:
        fin += 1
    liens.cell(fin, el["Acteur"]).value = "Épicerie solidaire du Pont"
    liens.cell(fin, el["Nature du lien"]).value = "partenaire de"
    liens.cell(fin, el["Acteur ou dispositif lié"]).value = existant
    liens.cell(fin, el["Preuve"]).value = "Convention de partenariat 2026"
    # an unknown actor in a link: quarantined, the rest read
    liens.cell(fin + 1, el["Acteur"]).value = "Inconnu du réseau"
    liens.cell(fin + 1, el["Nature du lien"]).value = "finance"
    liens.cell(fin + 1, el["Acteur ou dispositif lié"]).value = existant
    liens.cell(fin + 1, el["Preuve"]).value = "compte rendu"
    # an existing actor's type changed: not read, said so
    acteurs.cell(2, ea["Type d'acteur"]).value = "Commune"
    # mark the first link wrong
    liens.cell(2, el["Lien erroné"]).value = "oui"
    liens.cell(2, el["Commentaire"]).value = "Partenariat terminé en 2024"
    id_faux = liens.cell(2, el["Clé du lien (ne pas modifier)"]).value
    inbox = tmp_path / "inbox"
    _deposer(wb, inbox, "reseau.xlsx", 1_770_000_000)
    rapport = ingest_suivi(con, "93", inbox, SEL, "reseau", TYPES_ACTEURS, maintenant=CHARGE)
    assert rapport.corrections == 3, rapport.rejets
    rejets = {q.line: q for q in rapport.rejets}
    assert sorted(rejets) == [2, fin + 1] and "acteur inconnu" in rejets[fin + 1].reason
    assert "feuille « Liens »" in rejets[fin + 1].field
    assert "acteur existant non relue" in rejets[2].reason and "(Type d'acteur)" in rejets[2].field
    corrections = comite.lire_corrections(con, "93")
    assert sorted(corrections["action"]) == ["ajout_acteur", "ajout_lien", "lien_errone"]
    assert set(corrections["auteur_role"]) == {"Chargée de mission insertion, conseil départemental"}
    faux = corrections[corrections["action"] == "lien_errone"].iloc[0]
    assert faux["id_lien"] == id_faux
    # the registry gets the comité's facts with their author and date
    from graph.registre import registre_departement

    vide = registre_departement(None, None, None, "93")
    registre = comite.completer_registre(vide, corrections, "93")
    ajoute = registre.acteurs.iloc[0]
    assert ajoute["id_acteur"] == "comite:epicerie_solidaire_du_pont_93008" and ajoute["origine"] == "comite"
    assert "02/04/2026" in ajoute["commentaire"] and "conseil départemental" in ajoute["commentaire"]
    lien = registre.liens.iloc[0]
    assert lien["preuve_type"] == "comite" and lien["preuve_reference"] == "Convention de partenariat 2026"
    assert comite.liens_ecartes(corrections) == [(faux["id_source"], faux["id_cible"], faux["type_lien"])]


def test_graph_applies_the_comite_facts_and_drops_the_wrong_link(fixtures_dir):
    """The real graph build on the graph fixtures, with an actor and a link added and a link wrong."""
    import test_graph_construction as tg

    from graph.construction import GraphInputs, build_graph
    from graph.page import display_model
    from graph.registre import read_registre_departement
    from ingest.france_travail import read_clpe_communes  # noqa: F401 - as the graph tests read it
    from ingest.politique_ville import read_contrats_de_ville
    from tests.unit._vocabulaire_graphe import read_modele

    data = fixtures_dir / "graph" / "data"
    docs, mentions, liens = tg.documents()
    registre = read_registre_departement(fixtures_dir / "graph" / "registre_valide" / "93", "93")
    entrees = GraphInputs(
        code_departement="93",
        territoires=tg.territoires(),
        axes_domaines=pd.read_csv(tg.SEEDS / "axes_domaines.csv", dtype=str, keep_default_na=False),
        modele=read_modele(tg.SEEDS / "dispositifs_modele.csv"),
        clpe=tg.read_clpe_communes(data).frame,
        contrats_ville=read_contrats_de_ville(data).frame,
        geo_communes=tg.geo(),
        structures=tg.structures(),
        services=tg.services(),
        documents=docs,
        mentions=mentions,
        liens_candidats=liens,
        registre=registre,
    )
    avant = build_graph(entrees).graph
    faux = next((u, v, k) for u, v, k, d in avant.edges(keys=True, data=True) if "registre" in d["origines"])
    corrections = pd.DataFrame(
        [
            {
                "action": "ajout_acteur",
                "ligne": 5,
                "id_acteur": "comite:epicerie_du_pont_93008",
                "nom": "Épicerie du Pont",
                "type_acteur": "association",
                "code_commune": "93008",
                "preuve": "https://example.org/epicerie",
                "auteur_role": "DDETS",
                "date_saisie": dt.date(2026, 4, 2),
                "fichier": "reseau.xlsx",
                "commentaire": None,
            },
            {
                "action": "ajout_lien",
                "ligne": 9,
                "id_source": "comite:epicerie_du_pont_93008",
                "id_cible": "caf:93",
                "type_lien": "partenaire_de",
                "preuve": "Convention 2026",
                "auteur_role": "DDETS",
                "date_saisie": dt.date(2026, 4, 2),
                "fichier": "reseau.xlsx",
                "commentaire": None,
            },
            {
                "action": "lien_errone",
                "ligne": 2,
                "id_source": faux[0],
                "id_cible": faux[1],
                "type_lien": faux[2],
                "auteur_role": "DDETS",
                "date_saisie": dt.date(2026, 4, 2),
                "fichier": "reseau.xlsx",
            },
        ]
    )
    # the same inputs, with the comité's corrections added to the registry
    inputs = dataclasses.replace(entrees, registre=comite.completer_registre(registre, corrections, "93"))
    g = build_graph(inputs).graph
    assert comite.retirer_liens(g, comite.liens_ecartes(corrections)) == 1
    assert g.nodes["comite:epicerie_du_pont_93008"]["sources"] == ["comite"]
    arete = g.edges["comite:epicerie_du_pont_93008", "caf:93", "partenaire_de"]
    assert arete["origines"] == ["comite"] and arete["preuves"][0]["reference"] == "Convention 2026"
    assert "DDETS, 02/04/2026" in arete["preuves"][0]["commentaire"]
    assert not g.has_edge(*faux)
    # the network page says the link comes from the comité
    modele = display_model(g)
    texte = json.dumps(modele, ensure_ascii=False)
    assert "comité de suivi" in texte and "Épicerie du Pont" in texte


def test_a_person_named_as_an_added_actor_is_refused(con, tmp_path):
    chemin = tmp_path / "kit" / "acteurs_liens_93.xlsx"
    ecrire_classeur_reseau(con, "93", "Seine-Saint-Denis", chemin, PRODUIT)
    wb = load_workbook(chemin)
    _auteur(wb, "DDETS", dt.datetime(2026, 4, 2))
    ws = wb["Acteurs"]
    e = _entetes(ws)
    ligne = 2
    while ws.cell(ligne, e["Nom de l'acteur"]).value is not None:
        ligne += 1
    ws.cell(ligne, e["Nom de l'acteur"]).value = "Madame Lucie Martin"
    ws.cell(ligne, e["Type d'acteur"]).value = "Association"
    ws.cell(ligne, e["Sources"]).value = "bouche à oreille"
    chemin_depot = _deposer(wb, tmp_path / "inbox", "r.xlsx", 1_770_000_000)
    lecture = read_classeur(chemin_depot, referentiel(con, "93", TYPES_ACTEURS), Pseudonymiser(SEL))
    assert not lecture.lignes
    assert "personne" in lecture.rejets[0].reason and "Martin" not in lecture.rejets[0].content
    assert TABLE_CORRECTIONS == "reseau_corrections"


# ---------------------------------------------------------------------------------------- sensor
def test_sensor_requests_the_refresh_of_the_departement_whose_workbook_arrived(tmp_path, data_dir):
    import importlib

    from dagster import build_sensor_context

    from orchestration.manifest import ensure_manifest
    from orchestration.resources import PacteSettingsResource

    ensure_manifest()  # the module builds its dbt step from the manifest
    module = importlib.import_module("orchestration.assets.suivi")
    inbox = tmp_path / "inbox"
    (inbox / "93" / "documents").mkdir(parents=True)  # an inbox without « suivi »: nothing to do
    settings = PacteSettingsResource(
        data_dir=str(data_dir), output_dir=str(tmp_path / "o"), inbox_dir=str(inbox)
    )

    def tick(cursor=None):
        result = module.boite_de_depot_suivi(
            build_sensor_context(cursor=cursor, resources={"settings": settings})
        )
        return [r.partition_key for r in result.run_requests or []], result.cursor

    assert tick()[0] == []
    (inbox / "93" / "suivi").mkdir()
    (inbox / "93" / "suivi" / "decisions.xlsx").write_bytes(b"v1")
    demandes, curseur = tick()
    assert demandes == ["93"] and module.boite_de_depot_suivi.job_name == "suivi_departement"
    assert tick(curseur)[0] == []  # nothing new
    (inbox / "93" / "suivi" / "decisions_2.xlsx").write_bytes(b"v2")
    assert tick(curseur)[0] == ["93"]
