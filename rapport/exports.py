"""Exports of every mart for one département: Parquet files and an Excel workbook for analysts.

Parquet goes through DuckDB's ``COPY ... (FORMAT parquet)`` (no extension to install).

The workbook (streamed with openpyxl's write-only mode: rows go straight to the file) opens on a
« Lisez-moi » sheet (what each sheet holds, the sources, the date, how to filter), then one
synthesis sheet per axis (ranked priorities, leads, key indicators against France), then one
detailed sheet per mart, grouped and ordered as the seeds read by :mod:`rapport.classeur_libelles`
say, which also give the sheet titles, the French headers and the number formats (cells and values:
:mod:`rapport.classeur_cellules`; synthesis sheets and read-me: :mod:`rapport.classeur_synthese`).
In the detailed sheets:

- a name is written beside each territory, indicator and domain code;
- lists (JSON or Python text, DuckDB lists, « a|b ») are written « a ; b »;
- numbers carry a format (thousands, one decimal, percentages, years), never « Standard »;
  yes/no values are written « oui » / « non »;
- text starting with ``= + - @``, a tab or a carriage return is stored as text, never as a formula
  (formula injection, the rule of :mod:`rapport.formules` shared with the CSV files);
- the header row is frozen, filtered, and carries the column's description as a comment;
- a mart without any row for the département gets no sheet: the read-me says why;
- a sheet holds at most :data:`PLAFOND_LIGNES_FEUILLE` rows (a person cannot read 100 000 rows of a
  large local offer, and writing them cost minutes): past it, its first rows, a last row and the read-me
  say « … premières lignes sur N ; la table complète est dans les exports Parquet » (the Parquet export
  holds every row).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from rapport.classeur_cellules import (
    _ECHANTILLON,
    _ENVELOPPE,
    _FOND,
    _GRAS,
    _MAX_TEXTE,
    LARGEUR_MAX,
    LISEZ_MOI,
    MAX_LIGNES_EXCEL,
    _convertisseur,
    _Feuille,
    _identite,
    _kind_du_type,
    _largeur_valeur,
    _lisible,
    _Modele,
    texte_lisible,
)
from rapport.classeur_libelles import FORMATS, Libelles, charger
from rapport.classeur_synthese import _ecrire_page, _lisez_moi, _sources, _synthese_axe
from rapport.donnees import filtre_departement, liste_marts
from rapport.formules import est_formule
from socle.ecriture import ecriture_atomique

__all__ = [
    "MAX_LIGNES_EXCEL",
    "PLAFOND_LIGNES_FEUILLE",
    "LARGEUR_MAX",
    "LISEZ_MOI",
    "exporter_parquet",
    "exporter_excel",
    "nom_feuille",
    "texte_lisible",
]


def nom_feuille(titre: str, pris: set[str]) -> str:
    """An Excel sheet name from ``titre`` (31 characters at most, no ``[]:*?/\\``, unique in ``pris``).

    Examples
    --------
    >>> pris = set(); nom_feuille("Priorités (matrice)", pris), nom_feuille("Priorités (matrice)", pris)
    ('Priorités (matrice)', 'Priorités (matrice) 2')
    """
    base = re.sub(r"[\[\]:*?/\\]", "-", titre).strip("' ")[:31].rstrip() or "Feuille"
    nom, i = base, 2
    while nom.lower() in {p.lower() for p in pris}:
        suffixe = f" {i}"
        nom, i = base[: 31 - len(suffixe)].rstrip() + suffixe, i + 1
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
        with ecriture_atomique(cible) as partiel:
            chemin_sql = partiel.as_posix().replace("'", "''")
            # COPY returns the number of rows it wrote: the query is not run a second time to count
            copie = f"copy ({requete}) to '{chemin_sql}' (format parquet)"
            lignes[mart] = con.execute(copie, params).fetchone()[0]
    return lignes


# ---------------------------------------------------------------------------------------------
# detailed sheets (one per mart)

# Rows of a detailed sheet past which only the first ones are written (a normal département's largest
# mart has a few thousand rows; 100 000 local offer rows give marts of 100 000 to 460 000 rows).
PLAFOND_LIGNES_FEUILLE = 50_000


def note_plafond(ecrites: int, total: int) -> str:
    """The French note of a sheet cut at ``ecrites`` of its ``total`` rows.

    >>> print(note_plafond(50_000, 104_038).replace("\u202f", " "))
    Les 50 000 premières lignes sur 104 038 ; la table complète est dans les exports Parquet.
    """
    nombre = lambda n: f"{n:,}".replace(",", "\u202f")  # noqa: E731
    return (
        f"Les {nombre(ecrites)} premières lignes sur {nombre(total)} ; "
        "la table complète est dans les exports Parquet."
    )


def _requete(
    con: duckdb.DuckDBPyConnection,
    mart: str,
    code: str,
    colonnes_marts: dict[str, dict[str, str]],
    lib: Libelles,
):
    """The SELECT of a detailed sheet (with the names beside the codes) and its columns.

    Returns ``(sql, params, [(column, header, kind, added)])``: ``added`` is True for a name column
    the workbook adds beside a code.
    """
    types = colonnes_marts[mart]
    noms = list(types)
    qualifiees = {f"{mart}.{n}" for n in noms}
    where, params = filtre_departement(con, mart, code)
    select, joins, colonnes_sortie = [], [], []
    for i, nom in enumerate(noms):
        kind = lib.format_colonne(mart, nom) or _kind_du_type(types[nom])
        select.append(f'm."{nom}"')
        colonnes_sortie.append((nom, lib.entete(mart, nom), kind, False))
        ajout = lib.noms_ajoutes.get(nom)
        deja = lib.noms_deja_la.get(nom, ())
        if ajout is None or any((n if "." in n else f"{mart}.{n}") in qualifiees for n in deja):
            continue
        libelle, table, cle, colonne_nom, niveau = ajout
        if not {cle, colonne_nom} <= set(colonnes_marts.get(table, ())):
            continue
        alias = f"n{i}"
        if table != "territoires":
            joins.append(
                f'left join (select "{cle}" as cle, any_value("{colonne_nom}") as nom from marts."{table}" '
                f'group by 1) as {alias} on {alias}.cle = m."{nom}"'
            )
        elif niveau is not None:
            joins.append(
                f"left join marts.territoires as {alias} on {alias}.niveau = '{niveau}' "
                f'and {alias}.code_territoire = m."{nom}"'
            )
        elif "niveau" in types or "niveau_territoire" in types:
            col_niveau = "niveau" if "niveau" in types else "niveau_territoire"
            joins.append(
                f'left join marts.territoires as {alias} on {alias}.niveau = m."{col_niveau}" '
                f'and {alias}.code_territoire = m."{nom}"'
            )
        else:  # no level: the name only when the code names one territory
            joins.append(
                f"left join (select code_territoire, case when count(distinct libelle) = 1 "
                f"then any_value(libelle) end as libelle from marts.territoires group by 1) as {alias} "
                f'on {alias}.code_territoire = m."{nom}"'
            )
        champ = "nom" if table != "territoires" else colonne_nom
        select.append(f'{alias}."{champ}"')
        colonnes_sortie.append((f"{nom}__nom", libelle, None, True))
    ordre = ", ".join(f'm."{n}"' for n in noms)
    sql = (
        f'select {", ".join(select)} from (select * from marts."{mart}" where {where}) as m '
        f"{' '.join(joins)} order by {ordre}"
    )
    return sql, params, colonnes_sortie


def _commentaire(texte: str, nom: str, titres: dict[str, str]) -> str:
    """A header comment: the dbt description, tables named by their sheet title, then the column name."""
    texte = re.sub(r"marts\.(\w+)", lambda m: f"« {titres.get(m.group(1), m.group(1))} »", texte or "")
    texte = texte.replace("`", "")
    return (
        f"{texte}\n(colonne « {nom} » des exports Parquet)"
        if texte
        else f"Colonne « {nom} » des exports Parquet"
    )


def _feuille_detail(
    classeur: Workbook,
    titre: str,
    donnees: list[tuple],
    colonnes_sortie: list[tuple[str, str, str | None, bool]],
    descriptions: dict[str, str],
    titres: dict[str, str],
    lib: Libelles,
    note: str | None = None,
) -> None:
    feuille = _Feuille(classeur, titre)
    entetes_generales = lib.entetes_generales()
    echantillon = donnees[:_ECHANTILLON]
    convertisseurs = [_convertisseur(kind) for _, _, kind, _ in colonnes_sortie]
    largeurs = []
    for j, (_, libelle, kind, _) in enumerate(colonnes_sortie):
        conv = convertisseurs[j]
        valeurs = (
            (r[j] for r in echantillon)
            if conv is _identite
            else (_lisible(conv(r[j]), entetes_generales) for r in echantillon)
        )
        contenu = max((_largeur_valeur(v, kind) for v in valeurs), default=0)
        largeurs.append(max(contenu, min(len(libelle), 24)) + 2)
    feuille.largeurs(largeurs)
    feuille.impression(False)
    feuille.hauteur(
        1, [(libelle, w) for (_, libelle, _, _), w in zip(colonnes_sortie, largeurs, strict=True)]
    )
    feuille.ws.freeze_panes = "A2"
    feuille.ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(colonnes_sortie)))}{len(donnees) + 1}"
    entetes = []
    for nom, libelle, _, ajoute in colonnes_sortie:
        cell = WriteOnlyCell(feuille.ws, value=libelle)
        cell.font, cell.fill, cell.alignment = _GRAS, _FOND, _ENVELOPPE
        if ajoute:
            code = nom.removesuffix("__nom")
            texte = f"Nom correspondant à la colonne « {lib.entete('', code)} », ajouté au classeur."
        else:
            texte = _commentaire(descriptions.get(nom, ""), nom, titres)
        cell.comment = Comment(texte, "pacte-diagnostic", width=320, height=140)
        entetes.append(cell)
    feuille.append(entetes)
    ecrivains = [
        _ecrivain(feuille, j, conv, kind, entetes_generales)
        for j, (conv, (_, _, kind, _)) in enumerate(zip(convertisseurs, colonnes_sortie, strict=True))
    ]
    _lignes_directes(feuille.ws)
    append = feuille.ws.append
    for ligne in donnees:
        append([ecrire(v) for ecrire, v in zip(ecrivains, ligne, strict=True)])
    if note:  # below the filtered rows: the sheet was cut
        append([note])


def _lignes_directes(ws) -> None:
    """Let the streamed sheet ``ws`` take the rows of :func:`_ecrivain` as they are.

    openpyxl turns each value of an appended row into a cell, first trying a passed cell as a
    value (an exception for each styled number) and creating a new cell after it. The values of a
    detailed sheet are already checked (text without control characters, never a formula, numbers
    with their styled cell), so each is written by one reused cell. Falls back to openpyxl's own
    conversion when the sheet has no such step (another openpyxl)."""
    if not hasattr(ws, "_values_to_row"):
        return
    simple = WriteOnlyCell(ws)

    def valeurs_en_cellules(valeurs, rang):
        for colonne, valeur in enumerate(valeurs, 1):
            if valeur is None:
                continue
            if type(valeur) is str:  # checked by _ecrivain: plain text
                cell = simple
                cell._value, cell.data_type = valeur, "s"
            elif isinstance(valeur, Cell):
                cell = valeur
            else:  # any other value: a cell of its own (a date would give its format to the next cells)
                cell = WriteOnlyCell(ws, value=valeur)
            cell.column, cell.row = colonne, rang
            yield cell

    ws._values_to_row = valeurs_en_cellules


def _ecrivain(
    feuille: _Feuille, j: int, conv: Callable[[Any], Any], kind: str | None, entetes: dict[str, str]
) -> Callable[[Any], Any]:
    """The function writing one column's values (a fast path for plain numbers and plain text)."""
    cellule = feuille.cellule
    format_ = FORMATS.get(kind) or FORMATS["decimal"]
    modeles: dict[type, _Modele] = {}
    for t, f in ((int, FORMATS.get(kind) or FORMATS["entier"]), (float, format_)):
        modeles[t] = _Modele(feuille.ws)
        modeles[t].number_format = f
    entier, decimal = modeles[int], modeles[float]
    recherche = ILLEGAL_CHARACTERS_RE.search

    def ecrire(v):
        if conv is not _identite:
            v = conv(v)
        t = type(v)
        if v is None:
            return None
        if t is float and math.isfinite(v):
            decimal._value = v
            decimal.data_type = "n"
            return decimal
        if t is bool:  # « oui » / « non » read the same in every spreadsheet (not 1 / 0 nor TRUE)
            return "oui" if v else "non"
        if t is int:
            entier._value = v
            entier.data_type = "n"
            return entier
        if t is str and v[:1] in ("[", "{") or t in (list, tuple, dict):
            v = _lisible(v, entetes)
            if v is None:
                return None
            t = type(v)
        if t is str and not est_formule(v) and v[:1] != "#" and len(v) <= _MAX_TEXTE and not recherche(v):
            return v
        return cellule(j, v, kind)

    return ecrire


def exporter_excel(
    con: duckdb.DuckDBPyConnection,
    code: str,
    chemin: Path,
    descriptions: dict[str, dict[str, str]] | None = None,
    marts: list[str] | None = None,
    genere_le: str | None = None,
    plafond: int = PLAFOND_LIGNES_FEUILLE,
) -> dict[str, int]:
    """The analysts' workbook of département ``code`` (see the module's docstring).

    Parameters
    ----------
    descriptions : dict, optional
        ``{mart: {column: French description}}`` (from the dbt manifest), written as header comments.
    marts : list, optional
        The marts to write (default: every mart of the warehouse).
    genere_le : str, optional
        The date written in the read-me (default: now, « 05/12/2026 à 07:40 »).
    plafond : int, optional
        The most rows of a detailed sheet (:data:`PLAFOND_LIGNES_FEUILLE`, at most an Excel sheet's).

    Returns
    -------
    dict
        Rows of each mart for the département (0 for a mart without rows, which gets no sheet),
        whether its sheet holds them all or only the first ``plafond``.
    """
    if not 0 < plafond <= MAX_LIGNES_EXCEL:
        raise ValueError(f"plafond={plafond}: a sheet holds 1 to {MAX_LIGNES_EXCEL} rows")
    descriptions = descriptions or {}
    genere_le = genere_le or dt.datetime.now().strftime("%d/%m/%Y à %H:%M")
    presents = set(liste_marts(con))
    lib = charger(con)
    marts = lib.ordre(list(marts) if marts is not None else sorted(presents))
    nom_dep = f"département {code}"
    if "territoires" in presents:
        trouve = con.execute(
            "select libelle from marts.territoires where niveau = 'departement' and code_territoire = ?",
            [code],
        ).fetchone()
        if trouve:
            nom_dep = f"{trouve[0]} ({code})"
    colonnes_marts: dict[str, dict[str, str]] = {}
    for table, colonne, type_sql in con.execute(
        "select table_name, column_name, data_type from information_schema.columns where table_schema = "
        "'marts' "
        "order by table_name, ordinal_position"
    ).fetchall():
        colonnes_marts.setdefault(table, {})[colonne] = type_sql
    classeur = Workbook(write_only=True)
    pris: set[str] = set()
    # the read-me comes first but is written last (it lists the sheets written and their rows)
    lisez_moi = _Feuille(classeur, nom_feuille(LISEZ_MOI, pris))
    syntheses: list[tuple[str, str]] = []
    if "axes_domaines" in presents:
        axes = con.execute(
            "select code_axe, any_value(libelle_axe) from marts.axes_domaines group by 1 order by 1"
        )
        for axe, libelle_axe in axes.fetchall():
            feuille = _Feuille(classeur, nom_feuille(f"Synthèse axe {axe}", pris))
            _ecrire_page(
                feuille,
                _synthese_axe(con, code, axe, libelle_axe, nom_dep, presents, genere_le, lib),
                [14],
                largeur_max=32,
            )
            syntheses.append((feuille.titre, f"Synthèse de l'axe {axe} : {libelle_axe}"))
    titres = {m: lib.feuilles[m][1] if m in lib.feuilles else m for m in marts}
    lignes: dict[str, int] = {}
    detail: list[tuple[str, str, str, int]] = []
    absentes: list[tuple[str, str]] = []
    for mart in marts:
        groupe, titre, contenu = lib.feuille(mart)
        sql, params, colonnes_sortie = _requete(con, mart, code, colonnes_marts, lib)
        # past the ceiling, only the first rows are read into Python and written (plus the count)
        donnees = con.execute(sql, params).fetchmany(plafond + 1)
        total = len(donnees)
        note = None
        if total > plafond:
            total = con.execute(f"select count(*) from ({sql})", params).fetchone()[0]
            del donnees[plafond:]
            note = note_plafond(plafond, total)
            contenu = f"{contenu} {note}"
        lignes[mart] = total
        if not donnees:
            absentes.append((titre, lib.motif_absence(mart)))
            continue
        nom = nom_feuille(titre, pris)
        titres[mart] = nom
        _feuille_detail(
            classeur, nom, donnees, colonnes_sortie, descriptions.get(mart, {}), titres, lib, note
        )
        detail.append((groupe, nom, contenu, len(donnees)))
        del donnees
    page = _lisez_moi(nom_dep, genere_le, syntheses, detail, absentes, _sources(con, code, presents))
    _ecrire_page(lisez_moi, page, [22, 30, 90, 10])
    with ecriture_atomique(Path(chemin)) as partiel:
        classeur.save(partiel)
    return lignes
