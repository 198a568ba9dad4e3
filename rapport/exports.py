"""Exports of every mart for one département: Parquet files and an Excel workbook for analysts.

Parquet goes through DuckDB's ``COPY ... (FORMAT parquet)`` (no extension to install); the
workbook has one sheet per mart, French headers (labels from the column names, the dbt
description as a cell comment), an autofilter and a frozen header row.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from rapport.donnees import filtre_departement, liste_marts

__all__ = ["MAX_LIGNES_EXCEL", "exporter_parquet", "exporter_excel", "entete_francais", "nom_feuille"]

MAX_LIGNES_EXCEL = 1_048_575

_MOTS = {
    "nb": "nombre de",
    "id": "identifiant",
    "code": "code",
    "libelle": "libellé",
    "annee": "année",
    "departement": "département",
    "region": "région",
    "numerateur": "numérateur",
    "denominateur": "dénominateur",
    "ecart": "écart",
    "ecarts": "écarts",
    "donnees": "données",
    "methode": "méthode",
    "categorie": "catégorie",
    "typologie": "typologie",
    "thematique": "thématique",
    "priorite": "priorité",
    "suffisantes": "suffisantes",
    "coordination": "coordination",
    "acces": "accès",
    "geographique": "géographique",
    "qpv": "QPV",
    "epci": "EPCI",
    "ept": "EPT",
    "rsa": "RSA",
    "siret": "SIRET",
    "insee": "INSEE",
    "km": "km",
    "pour": "pour",
    "habitants": "habitants",
    "preuves": "preuves",
    "preuve": "preuve",
    "echelle": "échelle",
    "intitule": "intitulé",
    "cree": "créé",
    "mis": "mis",
    "a": "à",
    "theme": "thème",
    "frequence": "fréquence",
}


def entete_francais(colonne: str) -> str:
    """A readable French header from a column name.

    Examples
    --------
    >>> entete_francais("code_departement")
    'Code département'
    >>> entete_francais("nb_services")
    'Nombre de services'
    >>> entete_francais("services_pour_10000_habitants")
    'Services pour 10000 habitants'
    """
    mots = [_MOTS.get(m, m) for m in colonne.strip("_").split("_") if m]
    texte = " ".join(mots) or colonne
    return texte[0].upper() + texte[1:]


def nom_feuille(mart: str, pris: set[str]) -> str:
    """An Excel sheet name (31 characters at most, unique in ``pris``)."""
    base = mart[:31]
    nom, i = base, 2
    while nom in pris:
        suffixe = f"_{i}"
        nom, i = base[: 31 - len(suffixe)] + suffixe, i + 1
    pris.add(nom)
    return nom


def exporter_parquet(
    con: duckdb.DuckDBPyConnection, code: str, dossier: Path, marts: list[str] | None = None
) -> dict[str, int]:
    """One ``<mart>.parquet`` per mart (rows of département ``code``); returns rows per mart."""
    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    lignes: dict[str, int] = {}
    for mart in marts or liste_marts(con):
        where, params = filtre_departement(con, mart, code)
        cible = dossier / f"{mart}.parquet"
        # ORDER BY ALL: the same rows in the same order at every build (DuckDB scans in parallel)
        requete = f'select * from marts."{mart}" where {where} order by all'
        con.execute(f"copy ({requete}) to '{cible.as_posix()}' (format parquet)", params)
        lignes[mart] = con.execute(f"select count(*) from ({requete})", params).fetchone()[0]
    return lignes


def _valeur_excel(valeur):
    if valeur is None:
        return None
    if isinstance(valeur, str):
        return ILLEGAL_CHARACTERS_RE.sub(" ", valeur)
    if isinstance(valeur, list | tuple | dict):
        return str(valeur)
    if hasattr(valeur, "tzinfo") and getattr(valeur, "tzinfo", None) is not None:
        return valeur.replace(tzinfo=None)
    return valeur


def exporter_excel(
    con: duckdb.DuckDBPyConnection,
    code: str,
    chemin: Path,
    descriptions: dict[str, dict[str, str]] | None = None,
    marts: list[str] | None = None,
) -> dict[str, int]:
    """The analysts' workbook: one sheet per mart filtered to département ``code``.

    Parameters
    ----------
    descriptions : dict, optional
        ``{mart: {column: French description}}`` (from the dbt manifest), written as header comments.

    Returns
    -------
    dict
        Rows written per mart. A mart larger than an Excel sheet raises ``ValueError``.
    """
    descriptions = descriptions or {}
    # write-only (streaming) workbook: rows go straight to the file instead of one Cell object per
    # value kept in memory and sorted at save time (the workbook of a large département holds over
    # a million cells); styles, comments, widths, frozen header and filter are all kept
    classeur = Workbook(write_only=True)
    pris: set[str] = set()
    gras = Font(bold=True)
    fond = PatternFill("solid", fgColor="DDE4EE")
    lignes: dict[str, int] = {}
    for mart in marts or liste_marts(con):
        where, params = filtre_departement(con, mart, code)
        curseur = con.execute(f'select * from marts."{mart}" where {where} order by all', params)
        noms = [d[0] for d in curseur.description]
        donnees = curseur.fetchall()
        if len(donnees) > MAX_LIGNES_EXCEL:
            raise ValueError(f"marts.{mart} has {len(donnees)} rows for {code}: too many for one Excel sheet")
        feuille = classeur.create_sheet(nom_feuille(mart, pris))
        entetes = []
        for i, nom in enumerate(noms, start=1):
            cellule = WriteOnlyCell(feuille, value=entete_francais(nom))
            cellule.font, cellule.fill = gras, fond
            texte = descriptions.get(mart, {}).get(nom)
            cellule.comment = Comment(f"{nom} : {texte}" if texte else nom, "pacte-diagnostic")
            feuille.column_dimensions[get_column_letter(i)].width = max(12, min(45, len(cellule.value) + 4))
            entetes.append(cellule)
        feuille.freeze_panes = "A2"
        feuille.auto_filter.ref = f"A1:{get_column_letter(max(1, len(noms)))}{len(donnees) + 1}"
        feuille.append(entetes)
        for ligne in donnees:
            feuille.append([_valeur_excel(v) for v in ligne])
        lignes[mart] = len(donnees)
    chemin = Path(chemin)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    classeur.save(chemin)
    return lignes
