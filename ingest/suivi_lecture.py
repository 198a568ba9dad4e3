"""Read one comité workbook (:func:`read_classeur`): each row checked against the référentiel of the
département (:func:`ingest.suivi.referentiel`), free text pseudonymised then checked by the
independent detector, every refused cell a quarantine row naming its sheet, row and column."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from ingest.core import QuarantineRow
from ingest.documents.detection import find_personal_data
from ingest.documents.pseudonymisation import Pseudonymiser
from ingest.suivi import (
    FEUILLE_LISEZ_MOI,
    FEUILLE_LISTES,
    TABLE_CORRECTIONS,
    TABLE_DECISIONS,
    Referentiel,
    cell_text,
    slug,
)

__all__ = ["Lecture", "read_classeur", "quarantine_table"]


@dataclass
class Lecture:
    """What one workbook gave: its kind, its rows (dicts) and its rejected cells/rows."""

    fichier: Path
    classeur: str | None = None
    lignes: list[dict[str, object]] = field(default_factory=list)
    rejets: list[QuarantineRow] = field(default_factory=list)
    entete: dict[str, object] = field(default_factory=dict)


def _position(feuille: str, colonne: int | None, entete: str | None = None) -> str:
    from openpyxl.utils import get_column_letter

    if colonne is None:
        return f"feuille « {feuille} »"
    texte = f"feuille « {feuille} », colonne {get_column_letter(colonne)}"
    return texte + (f" ({entete})" if entete else "")


def _date(valeur: object) -> dt.date | None:
    """A date cell, or a text ``jj/mm/aaaa`` / ``aaaa-mm-jj``; raises ValueError otherwise."""
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    texte = str(valeur).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(texte, fmt).date()
        except ValueError:
            continue
    raise ValueError(texte)


def _nombre(valeur: object) -> float:
    if isinstance(valeur, bool):
        raise ValueError(valeur)
    if isinstance(valeur, int | float):
        return float(valeur)
    return float(
        str(valeur).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    )


class _Refus(Exception):
    def __init__(self, colonne: int | None, entete: str | None, raison: str, contenu: str = ""):
        super().__init__(raison)
        self.colonne, self.entete, self.raison, self.contenu = colonne, entete, raison, contenu


def _libre(pseudo: Pseudonymiser, valeur: object, j: int, entete: str) -> str | None:
    """Free text, pseudonymised; refused when the independent detector still finds personal data."""
    texte = cell_text(valeur)
    if texte is None:
        return None
    texte = pseudo.text(texte)
    trouve = find_personal_data(texte)
    if trouve:
        raise _Refus(
            j,
            entete,
            "donnée personnelle refusée ("
            + ", ".join(sorted({f.label for f in trouve}))
            + ") : écrire un rôle ou une organisation",
        )
    return texte


def quarantine_table(classeur: str | None) -> str:
    return TABLE_CORRECTIONS if classeur == "reseau" else TABLE_DECISIONS


def read_classeur(chemin: Path, ref: Referentiel, pseudo: Pseudonymiser) -> Lecture:
    """Read and check one workbook (never raises on its content)."""
    lecture = Lecture(Path(chemin))
    nom_fichier = pseudo.path(Path(chemin).name)
    source = str(Path(chemin).parent / nom_fichier)

    def rejet(ligne: int, position: str, raison: str, contenu: str = "") -> None:
        lecture.rejets.append(
            QuarantineRow(
                quarantine_table(lecture.classeur), source, ligne, position, raison, contenu[:500]
            )
        )

    try:
        wb = load_workbook(chemin, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is set aside with its reason
        rejet(0, "", f"classeur illisible ({type(exc).__name__}) : déposer un fichier .xlsx du kit")
        return lecture
    feuilles = set(wb.sheetnames)
    classeur = next((c for c, fs in ref.colonnes.items() if set(fs) & feuilles), None)
    lecture.classeur = classeur
    if classeur is None:
        attendues = " ou ".join("« " + "», « ".join(fs) + " »" for fs in ref.colonnes.values())
        rejet(
            0,
            "feuilles « " + "», « ".join(wb.sheetnames) + " »",
            f"feuille inattendue : aucune feuille {attendues} ; le classeur n'est pas un classeur du "
            "comité ou ses feuilles ont été renommées",
        )
        return lecture
    connues = set(ref.colonnes[classeur]) | {FEUILLE_LISEZ_MOI, FEUILLE_LISTES}
    for nom in wb.sheetnames:
        if nom not in connues:
            rejet(
                0,
                _position(nom, None),
                "feuille inattendue : elle n'est pas relue (feuilles du classeur : "
                + ", ".join(f"« {f} »" for f in sorted(connues))
                + ")",
            )
    manquantes = [f for f in ref.colonnes[classeur] if f not in feuilles]
    for nom in manquantes:
        rejet(
            0, _position(nom, None), "feuille absente (renommée ou supprimée) : ses lignes ne sont pas relues"
        )
    # author and date: required, never anonymous
    entete: dict[str, object] = {}
    if FEUILLE_LISEZ_MOI in feuilles:
        ws = wb[FEUILLE_LISEZ_MOI]
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 60), max_col=2):
            libelle = cell_text(row[0].value)
            champ = ref.saisie.get(classeur, {}).get(libelle or "")
            if champ:
                cellule = row[1]
                try:
                    if cellule.data_type == "f":
                        raise _Refus(2, libelle, "formule refusée : écrire la valeur elle-même")
                    if cellule.value is None or cell_text(cellule.value) is None:
                        raise _Refus(
                            2, libelle, "cellule obligatoire vide : aucune saisie anonyme n'est relue"
                        )
                    if champ == "date_saisie":
                        try:
                            entete[champ] = _date(cellule.value)
                        except ValueError:
                            raise _Refus(
                                2, libelle, f"date impossible {cellule.value!r} (jj/mm/aaaa)"
                            ) from None
                    else:
                        role = cell_text(cellule.value) or ""
                        if (
                            find_personal_data(role)
                            or find_personal_data(pseudo.text(role) or "")
                            or pseudo.text(role) != role
                        ):
                            raise _Refus(
                                2,
                                libelle,
                                "l'auteur s'écrit par son rôle ou son organisation, "
                                "jamais par le nom d'une personne",
                            )
                        entete[champ] = role
                except _Refus as r:
                    # never the cell's content: it may be a person's name
                    rejet(cellule.row, _position(FEUILLE_LISEZ_MOI, r.colonne, r.entete), r.raison)
        for libelle, champ in ref.saisie.get(classeur, {}).items():
            if champ not in entete and not any(q.field.endswith(f"({libelle})") for q in lecture.rejets):
                rejet(
                    0,
                    _position(FEUILLE_LISEZ_MOI, None),
                    f"« {libelle} » introuvable ou vide : le classeur n'est pas relu (aucune saisie anonyme)",
                )
    else:
        rejet(
            0,
            _position(FEUILLE_LISEZ_MOI, None),
            "feuille absente : l'auteur et la date manquent, le classeur n'est pas relu",
        )
    if set(ref.saisie.get(classeur, {}).values()) - set(entete):
        lecture.rejets.append(
            QuarantineRow(
                quarantine_table(classeur),
                source,
                0,
                "",
                "classeur entier mis de côté : auteur ou date manquant",
            )
        )
        return lecture
    lecture.entete = entete
    cles_listes = _cles_listes(wb)
    for feuille in ref.colonnes[classeur]:
        if feuille in manquantes:
            continue
        ws = wb[feuille]
        attendues = ref.colonnes[classeur][feuille]
        trouvees = [cell_text(c.value) for c in ws[1]]
        index: dict[str, tuple[int, str, str]] = {}
        for colonne, entete_txt, liste in attendues:
            if entete_txt not in trouvees:
                rejet(
                    1,
                    _position(feuille, None),
                    f"colonne « {entete_txt} » absente : la feuille n'est pas relue",
                )
                index = {}
                break
            index[colonne] = (trouvees.index(entete_txt) + 1, entete_txt, liste)
        if not index:
            continue
        for row in ws.iter_rows(min_row=2):
            i = row[0].row
            cellules = {
                colonne: row[j - 1] if j - 1 < len(row) else None for colonne, (j, _e, _l) in index.items()
            }
            try:
                for colonne, cellule in cellules.items():
                    if cellule is not None and cellule.data_type == "f":
                        j, ent, _l = index[colonne]
                        raise _Refus(
                            j, ent, "formule refusée : écrire la valeur elle-même", str(cellule.value)
                        )
                valeurs = {c: (cel.value if cel is not None else None) for c, cel in cellules.items()}
                if classeur == "decisions":
                    ligne = _ligne_decision(valeurs, index, ref, pseudo, cles_listes)
                else:
                    ligne = _ligne_reseau(
                        feuille, valeurs, index, ref, pseudo, cles_listes, list(ref.colonnes[classeur])
                    )
            except _Refus as r:
                rejet(i, _position(feuille, r.colonne, r.entete), r.raison, r.contenu)
                continue
            if ligne is not None:
                ligne["ligne"] = i
                ligne["feuille"] = feuille
                lecture.lignes.append(ligne)
    if classeur == "reseau":
        _resolve_links(lecture, ref, rejet)
    return lecture


def _cles_listes(wb) -> dict[str, dict[str, str]]:
    """label → key of each list of the « Listes » sheet (hidden key column beside the labels)."""
    if FEUILLE_LISTES not in wb.sheetnames:
        return {}
    ws = wb[FEUILLE_LISTES]
    out: dict[str, dict[str, str]] = {}
    entetes = [c.value for c in ws[1]]
    for j, entete in enumerate(entetes):  # a hidden key column « <list> (clé) » right of its labels
        if j and isinstance(entete, str) and entete.endswith(" (clé)"):
            valeurs = {}
            for libelle, cle in ws.iter_rows(min_row=2, min_col=j, max_col=j + 1, values_only=True):
                if libelle is not None and cle is not None:
                    valeurs[str(libelle)] = str(cle)
            out[entete[: -len(" (clé)")]] = valeurs
    return out


def _choix(valeurs, index, colonne: str, choix: dict[str, str], quoi: str) -> str | None:
    texte = cell_text(valeurs.get(colonne))
    if texte is None:
        return None
    if texte in choix:
        return choix[texte]
    j, ent, _l = index[colonne]
    raise _Refus(j, ent, f"{quoi} inconnu « {texte} » : choisir dans la liste", texte)


def _ligne_decision(valeurs, index, ref: Referentiel, pseudo, cles) -> dict | None:
    saisies = [
        c
        for c, (_j, _e, _l) in index.items()
        if c
        not in (
            "id_priorite",
            "code_indicateur",
            "libelle_axe",
            "libelle_domaine",
            "libelle_territoire",
            "rang_axe",
            "intitule_piste",
            "libelle_indicateur",
            "valeur_reference",
            "annee_reference",
            "indicateur_suivi",
            "valeur_depart",
        )
    ]
    if cell_text(valeurs.get("decision")) is None:
        if any(cell_text(valeurs.get(c)) for c in saisies):
            j, ent, _l = index["decision"]
            raise _Refus(
                j,
                ent,
                "décision vide alors que la ligne est remplie : choisir « retenue », "
                "« écartée » ou « à instruire »",
            )
        return None  # a row the comité did not decide
    # whether the key is a priority of the present diagnostic is dbt's check, once the priorities are
    # built (marts.suivi_decisions keeps the rows that are; the test suivi_decisions_priorites_connues
    # lists the others with their file and row): here only a row without its key is refused
    cle = cell_text(valeurs.get("id_priorite"))
    if cle is None:
        j, ent, _l = index["id_priorite"]
        raise _Refus(
            j,
            ent,
            "priorité inconnue : la ligne n'a pas la clé de priorité du classeur du diagnostic "
            "(clé effacée ou ligne ajoutée)",
            "",
        )
    out: dict[str, object] = {"id_priorite": cle}
    out["decision"] = _choix(valeurs, index, "decision", ref.listes.get("decision", {}), "choix de décision")
    pilote = cell_text(valeurs.get("pilote"))
    if pilote is not None:
        cle_pilote = cles.get("acteur", {}).get(pilote) or ref.acteurs_comite.get(pilote)
        if cle_pilote is None or (
            cle_pilote not in ref.acteurs and cle_pilote not in ref.acteurs_comite.values()
        ):
            j, ent, _l = index["pilote"]
            raise _Refus(
                j,
                ent,
                f"acteur inconnu « {pilote} » : choisir le pilote dans la liste des acteurs du réseau",
                pilote,
            )
        out["id_pilote"], out["pilote"] = cle_pilote, ref.acteurs.get(cle_pilote, pilote)
    for colonnes, lire, motif in (
        (("echeance", "date_depart"), _date, "date impossible « {} » : écrire une date jj/mm/aaaa"),
        (("valeur_depart", "valeur_reference"), _nombre, "nombre attendu, lu « {} »"),
    ):
        for colonne in colonnes:
            v = valeurs.get(colonne)
            if cell_text(v) is not None:
                try:
                    out[colonne] = lire(v)
                except ValueError:
                    j, ent, _l = index[colonne]
                    raise _Refus(j, ent, motif.format(v), str(v)) from None
    for colonne in ("partenaires", "indicateur_suivi", "commentaire"):
        j, ent, _l = index[colonne]
        out[colonne] = _libre(pseudo, valeurs.get(colonne), j, ent)
    out["code_indicateur"] = cell_text(valeurs.get("code_indicateur"))
    out["libelle_indicateur"] = cell_text(valeurs.get("libelle_indicateur"))
    annee = valeurs.get("annee_reference")
    out["annee_reference"] = int(_nombre(annee)) if cell_text(annee) is not None else None
    return out


def _ligne_reseau(feuille, valeurs, index, ref: Referentiel, pseudo, cles, feuilles) -> dict | None:
    if feuille == feuilles[0]:  # actors
        cle = cell_text(valeurs.get("id_noeud"))
        if cle is not None:
            if cle not in ref.acteurs:
                j, ent, _l = index["id_noeud"]
                raise _Refus(j, ent, "acteur inconnu : clé modifiée, l'acteur n'est plus dans le réseau", cle)
            avant = ref.details.get(cle)
            if avant is not None:
                lu = tuple(
                    cell_text(valeurs.get(c)) for c in ("nom", "libelle_type_acteur", "libelle_commune")
                )
                for (colonne, ancien), nouveau in zip(
                    (("nom", avant[0]), ("libelle_type_acteur", avant[1]), ("libelle_commune", avant[2])),
                    lu,
                    strict=True,
                ):
                    if (ancien or None) != (nouveau or None):
                        j, ent, _l = index[colonne]
                        raise _Refus(
                            j,
                            ent,
                            "modification d'un acteur existant non relue : la signaler aux analystes, qui "
                            "corrigent le registre du département",
                        )
            return None  # an existing actor, unchanged
        nom = cell_text(valeurs.get("nom"))
        if nom is None:
            if any(cell_text(v) for v in valeurs.values()):
                j, ent, _l = index["nom"]
                raise _Refus(j, ent, "acteur ajouté sans nom")
            return None
        j, ent, _l = index["nom"]
        nom = _libre(pseudo, nom, j, ent)
        if nom != cell_text(valeurs.get("nom")):
            raise _Refus(j, ent, "un acteur est une organisation : le nom d'une personne est refusé")
        type_code = _choix(valeurs, index, "libelle_type_acteur", ref.types_acteurs, "type d'acteur")
        if type_code is None:
            j, ent, _l = index["libelle_type_acteur"]
            raise _Refus(j, ent, "type d'acteur obligatoire pour un acteur ajouté")
        commune = _choix(
            valeurs, index, "libelle_commune", {**ref.communes, **cles.get("commune", {})}, "commune"
        )
        j, ent, _l = index["sources"]
        preuve = _libre(pseudo, valeurs.get("sources"), j, ent)
        if preuve is None:
            raise _Refus(
                j, ent, "source obligatoire pour un acteur ajouté (adresse web, document, délibération)"
            )
        id_acteur = "comite:" + slug(nom + (f" {commune}" if commune else ""))
        return {
            "action": "ajout_acteur",
            "id_acteur": id_acteur,
            "nom": nom,
            "type_acteur": type_code,
            "code_commune": commune,
            "preuve": preuve,
        }
    # links
    cle = cell_text(valeurs.get("id_lien"))
    errone = _choix(valeurs, index, "errone", ref.listes.get("errone", {}), "choix")
    j, ent, _l = index["commentaire"]
    commentaire = _libre(pseudo, valeurs.get("commentaire"), j, ent)
    if cle is not None:
        if cle not in ref.liens:
            j, ent, _l = index["id_lien"]
            raise _Refus(j, ent, "lien inconnu : clé modifiée, le lien n'est plus dans le réseau", cle)
        if errone != "oui":
            return None
        source, cible, type_lien = ref.liens[cle]
        return {
            "action": "lien_errone",
            "id_lien": cle,
            "id_source": source,
            "id_cible": cible,
            "type_lien": type_lien,
            "libelle_source": ref.acteurs.get(source),
            "libelle_cible": ref.acteurs.get(cible),
            "commentaire": commentaire,
        }
    if not any(
        cell_text(valeurs.get(c)) for c in ("libelle_source", "libelle_cible", "libelle_nature", "preuve")
    ):
        return None
    type_lien = _choix(valeurs, index, "libelle_nature", ref.listes.get("nature_lien", {}), "nature de lien")
    if type_lien is None:
        j, ent, _l = index["libelle_nature"]
        raise _Refus(j, ent, "nature du lien obligatoire pour un lien ajouté")
    j, ent, _l = index["preuve"]
    preuve = _libre(pseudo, valeurs.get("preuve"), j, ent)
    if preuve is None:
        raise _Refus(j, ent, "preuve obligatoire pour un lien ajouté (adresse web, convention, compte rendu)")
    return {
        "action": "ajout_lien",
        "libelle_source": cell_text(valeurs.get("libelle_source")),
        "libelle_cible": cell_text(valeurs.get("libelle_cible")),
        "type_lien": type_lien,
        "preuve": preuve,
        "commentaire": commentaire,
        "_index": index,
    }


def _resolve_links(lecture: Lecture, ref: Referentiel, rejet) -> None:
    """Added links: their two ends by the « Listes » keys, or an actor added in this or an earlier file."""
    cles = {}
    try:
        wb = load_workbook(lecture.fichier, read_only=True)
        cles = _cles_listes(wb).get("acteur", {})
        wb.close()
    except Exception:  # noqa: BLE001 - already read once above
        cles = {}
    ajoutes = {str(x["nom"]): str(x["id_acteur"]) for x in lecture.lignes if x["action"] == "ajout_acteur"}
    gardees = []
    for ligne in lecture.lignes:
        index = ligne.pop("_index", None)
        if ligne["action"] != "ajout_lien":
            gardees.append(ligne)
            continue
        ok = True
        for bout in ("source", "cible"):
            libelle = ligne.get(f"libelle_{bout}")
            cle = (
                cles.get(libelle or "") or ajoutes.get(libelle or "") or ref.acteurs_comite.get(libelle or "")
            )
            if cle is None or (
                cle not in ref.acteurs
                and cle not in ajoutes.values()
                and cle not in ref.acteurs_comite.values()
            ):
                j, ent, _l = index[f"libelle_{bout}"]
                rejet(
                    ligne["ligne"],
                    _position(ligne["feuille"], j, ent),
                    f"acteur inconnu « {libelle or ''} » : choisir dans la liste ou ajouter l'acteur dans la "
                    "feuille des acteurs",
                    libelle or "",
                )
                ok = False
                break
            ligne[f"id_{bout}"] = cle
        if ok and ligne["id_source"] == ligne["id_cible"]:
            j, ent, _l = index["libelle_cible"]
            rejet(ligne["ligne"], _position(ligne["feuille"], j, ent), "un lien relie un acteur à lui-même")
            ok = False
        if ok:
            gardees.append(ligne)
    lecture.lignes = gardees
