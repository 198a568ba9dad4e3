"""The comité's two workbooks, written with the kit (issue 17).

- ``kit/suivi_<code>.xlsx``, the **decisions workbook**: one row per ranked priority (with the lead
  proposed for it, if any), the columns the platform writes (protected) and those the comité fills
  (décision, pilote, partenaires, échéance, indicateur de suivi with its starting value and date,
  commentaire), with drop-down lists and date checks;
- ``kit/acteurs_liens_<code>.xlsx``, the **« acteurs et liens » workbook**: the actors of the graph
  (type, commune, sources) and their links (nature, evidence), which people correct or complete
  (add an actor, add a link with its evidence, mark a link wrong).

Both start with a « Lisez-moi » sheet holding the two cells the comité must fill (role or
organisation of the author, date), and end with a protected « Listes » sheet: the choices of the
drop-downs and, in hidden columns, the stable key behind each actor's name, which
:mod:`ingest.suivi` uses to read the workbook back. What a person reads comes from the seeds
``classeur_suivi_*`` of schema ``rapport`` (:func:`vocabulaire`); this module only lays it out.

The date of production is a parameter (``produit_le``): no wall clock decides what is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ingest.suivi import FEUILLE_LISEZ_MOI, FEUILLE_LISTES
from rapport.suivi_vocabulaire import SCHEMA, libelles_uniques, vocabulaire

__all__ = [
    "ecrire_classeur_decisions",
    "ecrire_classeur_reseau",
    "lignes_decisions",
]

LIGNES_AJOUT = 200  # empty rows left open for additions in « Acteurs » and « Liens »
_GRIS = PatternFill("solid", fgColor="E7E6E6")
_JAUNE = PatternFill("solid", fgColor="FFF2CC")
_GRAS = Font(bold=True)


# ---------------------------------------------------------------------------------------------------
def _acteurs(con: duckdb.DuckDBPyConnection, code: str, dispositifs: bool = False) -> list[tuple[str, str]]:
    """(node key, unique label) of the graph's actors (and dispositifs), sorted by label."""
    types = "('acteur', 'dispositif')" if dispositifs else "('acteur')"
    lignes = con.execute(
        f"""
        select a.id_noeud, a.libelle, t.libelle
        from marts.acteurs a
        left join marts.territoires t on t.niveau = 'commune' and t.code_territoire = a.code_commune
        where a.code_departement = ? and a.type_noeud in {types} and a.libelle is not null
        order by a.libelle, t.libelle, a.id_noeud
        """,
        [code],
    ).fetchall()
    return libelles_uniques([(k, str(n), c) for k, n, c in lignes])


def _communes(con: duckdb.DuckDBPyConnection, code: str) -> list[tuple[str, str]]:
    lignes = con.execute(
        "select code_territoire, libelle from marts.territoires where niveau = 'commune' "
        "and code_departement = ? order by libelle, code_territoire",
        [code],
    ).fetchall()
    return libelles_uniques([(k, str(n), k) for k, n in lignes])


def _types_acteurs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    from graph.vocabulaire import libelles_types

    return sorted(libelles_types(con).items(), key=lambda kv: kv[1].lower())


_REPRISES = ("partenaires", "echeance", "indicateur_suivi", "valeur_depart", "date_depart", "commentaire")


def _dernieres_decisions(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, dict[str, object]]:
    """The latest decision of each priority (``marts.suivi_decisions``), to start the next workbook from."""
    present = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'marts' "
        "and table_name = 'suivi_decisions'"
    ).fetchone()[0]
    if not present:
        return {}
    frame = con.execute(
        "select * from marts.suivi_decisions where code_departement = ? and derniere_version", [code]
    ).df()
    frame = frame.astype(object).where(frame.notna(), None)
    out = {}
    for ligne in frame.to_dict("records"):
        for k in ("echeance", "date_depart"):
            if ligne.get(k) is not None:
                ligne[k] = (
                    dt.datetime.combine(ligne[k], dt.time()) if isinstance(ligne[k], dt.date) else ligne[k]
                )
        out[str(ligne["id_priorite"])] = ligne
    return out


def lignes_decisions(con: duckdb.DuckDBPyConnection, code: str) -> list[dict[str, object]]:
    """One row per ranked priority of the département, with the lead proposed for it and the
    indicator the platform measures for the follow-up (first component of the need index of the
    domain on the territory) with its value and year."""
    frame = con.execute(
        """
        with pistes as (
            select p.code_domaine, p.echelle, p.intitule, p.indicateur_suivi,
                   unnest(string_split(coalesce(p.codes_territoires, p.code_territoire), ','))
                       as code_territoire
            from marts.pistes p where p.code_departement = ?
        ), mesure as (
            select niveau, code_territoire, code_domaine, code_indicateur, annee, valeur,
                   row_number() over (partition by niveau, code_territoire, code_domaine
                                      order by inclus_dans_indice desc, code_indicateur) as n
            from marts.besoins_composantes
            where code_departement = ? and valeur is not null
        )
        select pr.id_priorite, m.code_indicateur, pr.libelle_axe, pr.libelle_domaine, pr.libelle_territoire,
               pr.rang_axe, pi.intitule as intitule_piste, c.libelle as libelle_indicateur,
               m.valeur as valeur_reference, m.annee as annee_reference,
               pi.indicateur_suivi, pr.code_axe, pr.echelle
        from marts.priorites pr
        left join pistes pi on pi.code_domaine = pr.code_domaine and pi.echelle = pr.echelle
             and trim(pi.code_territoire) = pr.code_territoire
        left join mesure m on m.n = 1 and m.niveau = pr.niveau and m.code_territoire = pr.code_territoire
             and m.code_domaine = pr.code_domaine
        left join marts.indicateurs_catalogue c on c.code_indicateur = m.code_indicateur
        where pr.code_departement = ? and pr.rang_axe is not null
        order by pr.code_axe, pr.echelle desc, pr.rang_axe, pr.id_priorite
        """,
        [code, code, code],
    ).df()
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


# ---------------------------------------------------------------------------------------------------
def _lisez_moi(
    wb: Workbook,
    titre: str,
    produit_le: dt.date,
    consignes: list[str],
    saisie: list[tuple[str, str, str]],
    cles: list[str],
) -> None:
    ws = wb.active
    ws.title = FEUILLE_LISEZ_MOI
    ws["A1"] = titre
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"Produit le {produit_le:%d/%m/%Y} par la plateforme du diagnostic."
    ligne = 4
    ws.cell(ligne, 1, "À remplir avant de renvoyer le classeur").font = _GRAS
    ligne += 1
    for _champ, libelle, aide in saisie:
        ws.cell(ligne, 1, libelle).font = _GRAS
        cellule = ws.cell(ligne, 2)
        cellule.fill = _JAUNE
        cellule.protection = Protection(locked=False)
        if "date" in _champ:
            cellule.number_format = "dd/mm/yyyy"
            dv = DataValidation(
                type="date",
                operator="between",
                formula1="36526",
                formula2="73051",
                showErrorMessage=True,
                errorTitle="Date",
                error="Écrire une date jj/mm/aaaa.",
            )
            ws.add_data_validation(dv)
            dv.add(cellule)
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(ligne, 3, aide).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[ligne].height = 15 * max(2, _lignes_texte(aide, 66))
        ligne += 1
    ligne += 1
    ws.cell(ligne, 1, "Comment l'utiliser").font = _GRAS
    ligne += 1
    for texte in consignes:
        ws.cell(ligne, 1, f"• {texte}").alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=ligne, start_column=1, end_row=ligne, end_column=3)
        ws.row_dimensions[ligne].height = 15 * _lignes_texte(texte, 140)
        ligne += 1
    if cles:
        ligne += 1
        ws.cell(ligne, 1, "Colonnes masquées").font = _GRAS
        ligne += 1
        for texte in cles:
            ws.cell(ligne, 1, f"• {texte}").alignment = Alignment(wrap_text=True)
            ws.merge_cells(start_row=ligne, start_column=1, end_row=ligne, end_column=3)
            ligne += 1
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 70
    ws.protection.sheet = True


def _feuille_listes(
    wb: Workbook, listes: dict[str, list[tuple[str, str]]], titres: dict[str, str]
) -> dict[str, str]:
    """Write each list as two columns (label under its French title, then its hidden key column headed
    « <list> (clé) », how :mod:`ingest.suivi` finds it); return list name → range of its labels."""
    ws = wb.create_sheet(FEUILLE_LISTES)
    plages: dict[str, str] = {}
    for i, (nom, valeurs) in enumerate(listes.items()):
        col_libelle = get_column_letter(2 * i + 1)
        col_cle = get_column_letter(2 * i + 2)
        ws[f"{col_libelle}1"] = titres.get(nom, nom)
        ws[f"{col_libelle}1"].font = _GRAS
        ws[f"{col_cle}1"] = f"{nom} (clé)"
        for j, (cle, libelle) in enumerate(valeurs, start=2):
            ws[f"{col_libelle}{j}"] = libelle
            ws[f"{col_cle}{j}"] = cle
        dernier = max(2, len(valeurs) + 1)
        plages[nom] = f"'{FEUILLE_LISTES}'!${col_libelle}$2:${col_libelle}${dernier}"
        ws.column_dimensions[col_libelle].width = 40
        ws.column_dimensions[col_cle].hidden = True
    ws.protection.sheet = True
    return plages


def _lignes_texte(texte: str, largeur: int) -> int:
    """Lines a text takes in a wrapped cell of ``largeur`` characters (a rough count).

    >>> _lignes_texte("abc", 10), _lignes_texte("mot " * 10, 12)
    (1, 4)
    """
    lignes, courante = 1, 0
    for mot in str(texte).split():
        if courante and courante + 1 + len(mot) > largeur:
            lignes, courante = lignes + 1, len(mot)
        else:
            courante += len(mot) + (1 if courante else 0)
    return lignes


# the check Excel makes on a cell the comité fills, by the column's list ("date", "nombre"; any other
# list name: a choice among that list's labels) → (DataValidation arguments, French error message)
_SAISIES: dict[str, tuple[dict[str, object], str]] = {
    "date": ({"type": "date", "operator": "between", "formula1": "36526", "formula2": "73051"},
             "Écrire une date jj/mm/aaaa."),
    "nombre": (
        {"type": "decimal", "operator": "between", "formula1": "-1000000000", "formula2": "1000000000"},
        "Écrire un nombre.",
    ),
}


def _feuille_donnees(
    wb: Workbook,
    titre: str,
    colonnes: list,
    lignes: list[dict[str, object]],
    plages: dict[str, str],
    lignes_libres: int,
) -> None:
    ws = wb.create_sheet(titre)
    for j, c in enumerate(colonnes, start=1):
        cellule = ws.cell(1, j, c.entete)
        cellule.font = _GRAS
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
        cellule.fill = _GRIS if c.saisie == "plateforme" else _JAUNE
        cellule.comment = Comment(c.aide, "plateforme")
        lettre = get_column_letter(j)
        ws.column_dimensions[lettre].width = c.largeur
        if c.masquee:
            ws.column_dimensions[lettre].hidden = True
    derniere = len(lignes) + 1 + lignes_libres
    ws.row_dimensions[1].height = 15 * max(_lignes_texte(c.entete, c.largeur) for c in colonnes)
    for i, ligne in enumerate(lignes, start=2):
        hauteur = 1
        for j, c in enumerate(colonnes, start=1):
            valeur = ligne.get(c.colonne)
            cellule = ws.cell(i, j, valeur if valeur is not None else None)
            if isinstance(valeur, str) and valeur[:1] in "=+-@":
                cellule.data_type = "s"
            if isinstance(valeur, str) and not c.masquee:
                hauteur = max(hauteur, _lignes_texte(valeur, c.largeur))
        # wrapped text needs its rows' height: spreadsheet programs do not grow rows written this way
        ws.row_dimensions[i].height = 15 * min(hauteur, 8)
    for j, c in enumerate(colonnes, start=1):
        lettre = get_column_letter(j)
        for i in range(2, derniere + 1):
            cellule = ws.cell(i, j)
            if c.saisie == "comite":
                cellule.protection = Protection(locked=False)
            else:
                cellule.fill = _GRIS
                if i > len(lignes) + 1:  # rows left for additions: the key stays empty and locked
                    continue
            if c.liste == "date":
                cellule.number_format = "dd/mm/yyyy"
            elif c.colonne in ("valeur_reference", "valeur_depart"):
                cellule.number_format = "#,##0.0"
            cellule.alignment = Alignment(wrap_text=True, vertical="top")
        plage = f"{lettre}2:{lettre}{derniere}"
        if c.saisie != "comite" or not c.liste:
            continue
        regle, message = _SAISIES.get(c.liste) or (
            {"type": "list", "formula1": plages[c.liste], "allow_blank": True},
            "Choisir une valeur de la liste.",
        )
        dv = DataValidation(**regle, showErrorMessage=True, errorTitle=c.entete, error=message)
        ws.add_data_validation(dv)
        dv.add(plage)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(colonnes))}{derniere}"
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _enregistrer(wb: Workbook, chemin: Path) -> Path:
    chemin = Path(chemin)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    partiel = chemin.with_suffix(".partiel.xlsx")
    wb.save(partiel)
    partiel.replace(chemin)
    return chemin


def ecrire_classeur_decisions(
    con: duckdb.DuckDBPyConnection, code: str, libelle_departement: str, chemin: Path, produit_le: dt.date
) -> dict[str, int]:
    """Write ``suivi_<code>.xlsx``; returns the counts of rows and actors offered."""
    voc = vocabulaire(con)
    lignes = lignes_decisions(con, code)
    acteurs = _acteurs(con, code)
    precedentes = _dernieres_decisions(con, code)
    libelle_acteur = dict(acteurs)
    libelle_decision = dict(voc.listes.get("decision", []))
    for ligne in lignes:
        ligne["indicateur_suivi"] = ligne.get("indicateur_suivi") or ligne.get("libelle_indicateur")
        ligne["valeur_depart"] = ligne.get("valeur_reference")
        avant = precedentes.get(str(ligne["id_priorite"]))
        if avant:  # the comité updates its last decision rather than writing it again
            ligne.update({k: v for k, v in avant.items() if v is not None and k in _REPRISES})
            ligne["decision"] = libelle_decision.get(avant["decision"])
            ligne["pilote"] = libelle_acteur.get(avant.get("id_pilote"))
    listes = {nom: [(v, lib) for v, lib in voc.listes.get(nom, [])] for nom in ("decision",)}
    listes["acteur"] = acteurs
    wb = Workbook()
    feuille = voc.feuilles("decisions")[0]
    masquees = [f"« {c.entete} » : {c.aide}" for c in voc.colonnes["decisions"] if c.masquee]
    _lisez_moi(
        wb,
        f"Décisions du comité de suivi – {libelle_departement} ({code})",
        produit_le,
        [
            f"La feuille « {feuille} » a une ligne par priorité classée du diagnostic, avec la piste "
            "proposée "
            "quand il y en a une. Les colonnes grises sont écrites par la plateforme et protégées ; les "
            "colonnes jaunes sont à remplir par le comité.",
            "Décision : « retenue », « écartée » ou « à instruire », dans la liste. Une ligne sans décision "
            "n'est pas relue. Les décisions du dernier classeur déposé sont reprises : les mettre à jour.",
            "Pilote : un acteur du réseau, dans la liste (la feuille « Listes » les donne tous). Partenaires "
            "et commentaire : des organisations et des rôles, jamais le nom d'une personne.",
            "Échéance et date de la valeur de départ : des dates (jj/mm/aaaa). Valeur de départ : un "
            "nombre ; "
            "par défaut, la valeur de référence mesurée par la plateforme.",
            "Renvoyer le classeur rempli, sans changer le nom des feuilles, aux analystes qui le déposent "
            "dans la boîte de dépôt du département (dossier « suivi ») : le diagnostic suivant montre "
            "les décisions et l'évolution de l'indicateur mesuré. Chaque dépôt est gardé : un second "
            "classeur rempli ajoute une nouvelle version sans effacer la précédente.",
            "La feuille « Listes » donne les choix des listes ; ses colonnes masquées relient chaque nom "
            "d'acteur à son repère stable dans le réseau.",
            "Une cellule refusée (acteur hors liste, date impossible, formule, nom de personne) est "
            "signalée aux analystes avec sa feuille, sa ligne et sa colonne ; le reste du classeur est relu.",
        ],
        voc.saisie["decisions"],
        masquees,
    )
    plages = _feuille_listes(wb, listes, voc.titres_listes("decisions"))
    _feuille_donnees(wb, feuille, voc.de_feuille("decisions", feuille), lignes, plages, 0)
    wb.move_sheet(FEUILLE_LISTES, offset=1)
    _enregistrer(wb, chemin)
    return {"lignes": len(lignes), "acteurs": len(acteurs)}


def lignes_reseau(con: duckdb.DuckDBPyConnection, code: str) -> tuple[list[dict], list[dict]]:
    """Actors (type, commune, sources) and coordination links (nature, evidence) of the graph."""

    natures = dict(
        con.execute(
            f"select valeur, libelle from {SCHEMA}.classeur_suivi_listes where liste = 'nature_lien'"
        ).fetchall()
    )
    from graph.export import as_list
    from graph.page import ORIGINES_FR

    acteurs = []
    for cle, nom, type_, commune, sources in con.execute(
        """
        select a.id_noeud, a.libelle, a.libelle_type_acteur, t.libelle, a.sources
        from marts.acteurs a
        left join marts.territoires t on t.niveau = 'commune' and t.code_territoire = a.code_commune
        where a.code_departement = ? and a.type_noeud = 'acteur'
        order by a.libelle_type_acteur, a.libelle, a.id_noeud
        """,
        [code],
    ).fetchall():
        origines = as_list(sources) or []
        acteurs.append(
            {
                "id_noeud": cle,
                "nom": nom,
                "libelle_type_acteur": type_,
                "libelle_commune": commune,
                "sources": " ; ".join(dict.fromkeys(ORIGINES_FR.get(o, o) for o in origines)),
            }
        )
    libelles = dict(_acteurs(con, code, dispositifs=True))
    liens = []
    for cle, source, cible, type_lien, preuves in con.execute(
        """
        select id_lien, source, cible, type_lien, preuves from marts.liens
        where code_departement = ? and type_lien in (select valeur from rapport.classeur_suivi_listes
                                                     where liste = 'nature_lien')
          and source in (select id_noeud from marts.acteurs where code_departement = ?
                         and type_noeud in ('acteur', 'dispositif'))
          and cible in (select id_noeud from marts.acteurs where code_departement = ?
                        and type_noeud in ('acteur', 'dispositif'))
        order by source, cible, type_lien
        """,
        [code, code, code],
    ).fetchall():
        preuve = []
        for p in as_list(preuves) or []:
            reference = str(p.get("reference") or "")
            texte = ORIGINES_FR.get(p.get("origine"), "autre source")
            if reference.startswith(("http://", "https://")):
                texte += f" : {reference}"
            elif p.get("commentaire"):
                texte += f" : {p['commentaire']}"
            preuve.append(texte)
        liens.append(
            {
                "id_lien": cle,
                "libelle_source": libelles.get(source),
                "libelle_nature": natures.get(type_lien),
                "libelle_cible": libelles.get(cible),
                "preuve": " ; ".join(dict.fromkeys(preuve)),
            }
        )
    return acteurs, liens


def ecrire_classeur_reseau(
    con: duckdb.DuckDBPyConnection, code: str, libelle_departement: str, chemin: Path, produit_le: dt.date
) -> dict[str, int]:
    """Write ``acteurs_liens_<code>.xlsx``; returns the counts of actors and links written."""
    voc = vocabulaire(con)
    acteurs, liens = lignes_reseau(con, code)
    feuille_acteurs, feuille_liens = voc.feuilles("reseau")[:2]
    listes = {
        "acteur": _acteurs(con, code, dispositifs=True),
        "type_acteur": _types_acteurs(con),
        "commune": _communes(con, code),
        "nature_lien": voc.listes.get("nature_lien", []),
        "errone": voc.listes.get("errone", []),
    }
    wb = Workbook()
    masquees = [f"« {c.entete} » : {c.aide}" for c in voc.colonnes["reseau"] if c.masquee]
    _lisez_moi(
        wb,
        f"Acteurs et liens du réseau – {libelle_departement} ({code})",
        produit_le,
        [
            f"« {feuille_acteurs} » liste les acteurs du réseau avec leur type, leur commune et leurs "
            "sources ; "
            f"« {feuille_liens} » liste les liens de coordination entre acteurs et dispositifs, avec "
            "leur nature "
            "et leur preuve.",
            f"Ajouter un acteur : écrire une nouvelle ligne en bas de « {feuille_acteurs} » (nom, type "
            "dans la "
            "liste, commune dans la liste, source qui l'atteste). Il apparaît dans la liste des acteurs du "
            "diagnostic suivant.",
            f"Ajouter un lien : une nouvelle ligne en bas de « {feuille_liens} » avec les deux acteurs "
            "(dans la "
            "liste, ou le nom exact d'un acteur ajouté), la nature du lien et sa preuve (obligatoire).",
            "Signaler un lien faux : écrire « oui » dans « Lien erroné » et dire pourquoi en "
            "commentaire. Le lien "
            "sort de l'analyse du réseau mais reste tracé, avec l'auteur et la date de la correction.",
            "Chaque correction est enregistrée avec le rôle ou l'organisation de son auteur et la date : "
            "aucune correction anonyme n'est relue. Jamais le nom d'une personne.",
            "Renvoyer le classeur aux analystes qui le déposent dans la boîte de dépôt du département "
            "(dossier « suivi ») ; une cellule refusée est signalée avec sa feuille, sa ligne et sa colonne.",
        ],
        voc.saisie["reseau"],
        masquees,
    )
    plages = _feuille_listes(wb, listes, voc.titres_listes("reseau"))
    _feuille_donnees(
        wb, feuille_acteurs, voc.de_feuille("reseau", feuille_acteurs), acteurs, plages, LIGNES_AJOUT
    )
    _feuille_donnees(wb, feuille_liens, voc.de_feuille("reseau", feuille_liens), liens, plages, LIGNES_AJOUT)
    wb.move_sheet(FEUILLE_LISTES, offset=2)
    _enregistrer(wb, chemin)
    return {"acteurs": len(acteurs), "liens": len(liens)}
