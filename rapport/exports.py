"""Exports of every mart for one département: Parquet files and an Excel workbook for analysts.

Parquet goes through DuckDB's ``COPY ... (FORMAT parquet)`` (no extension to install).

The workbook (streamed with openpyxl's write-only mode: rows go straight to the file) opens on a
« Lisez-moi » sheet (what each sheet holds, the sources, the date, how to filter), then one
synthesis sheet per axis (ranked priorities, leads, key indicators against France), then one
detailed sheet per mart, grouped and ordered as the seeds read by :mod:`rapport.classeur_libelles`
say, which also give the sheet titles, the French headers and the number formats. In the detailed sheets:

- a name is written beside each territory, indicator and domain code;
- lists (JSON or Python text, DuckDB lists, « a|b ») are written « a ; b »;
- numbers carry a format (thousands, one decimal, percentages, years), never « Standard »;
  yes/no values are written « oui » / « non »;
- text starting with ``= + - @``, a tab or a carriage return is stored as text, never as a formula
  (formula injection, the rule of :mod:`rapport.formules` shared with the CSV files);
- the header row is frozen, filtered, and carries the column's description as a comment;
- a mart without any row for the département gets no sheet: the read-me says why.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from rapport.classeur_libelles import FORMATS, Libelles, charger
from rapport.donnees import filtre_departement, liste_marts
from rapport.formules import est_formule
from socle.ecriture import ecriture_atomique

__all__ = [
    "MAX_LIGNES_EXCEL",
    "LARGEUR_MAX",
    "LISEZ_MOI",
    "exporter_parquet",
    "exporter_excel",
    "nom_feuille",
    "texte_lisible",
]

MAX_LIGNES_EXCEL = 1_048_575
LARGEUR_MAX = 60  # widest column, in characters
LISEZ_MOI = "Lisez-moi"
_MAX_TEXTE = 32_767  # longest text an Excel cell holds
_ECHANTILLON = 300  # rows read to size the columns and to recognise list columns

_GRAS = Font(bold=True)
_TITRE = Font(bold=True, size=14)
_SECTION = Font(bold=True, size=12, color="1F3A5F")
_NOTE = Font(italic=True, color="555555")
_LIEN = Font(color="0563C1", underline="single")
_FOND = PatternFill("solid", fgColor="DDE4EE")
_ENVELOPPE = Alignment(wrap_text=True, vertical="top")
_HAUT = Alignment(vertical="top")


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
            con.execute(f"copy ({requete}) to '{chemin_sql}' (format parquet)", params)
        lignes[mart] = con.execute(f"select count(*) from ({requete})", params).fetchone()[0]
    return lignes


# ---------------------------------------------------------------------------------------------
# values


def _nombre_fr(x: float) -> str:
    """A number inside a text cell, with a decimal comma (``0,2599``; years stay ``2022``)."""
    if isinstance(x, bool):
        return "oui" if x else "non"
    if isinstance(x, int) or not math.isfinite(x):
        return str(x)
    return f"{x:.4f}".rstrip("0").rstrip(".").replace(".", ",")


def _cle_lisible(cle: Any, entetes: dict[str, str]) -> str:
    """The key of a mapping as a person reads it: the column's header when the key is a column name."""
    trouve = entetes.get(cle) if isinstance(cle, str) else None
    return trouve or str(cle).replace("_", " ")


def texte_lisible(valeur: Any, entetes: dict[str, str] | None = None) -> str | None:
    """A list or a mapping as text a person reads: « a ; b », « clé : valeur, clé : valeur ».

    ``entetes`` (``{column: header}``, see :meth:`Libelles.entetes_generales`) names the keys
    of a mapping that are column names.

    Examples
    --------
    >>> texte_lisible(["93-5667", "93-5668"]), texte_lisible({"qpv": 0.3801, "familles_monoparentales": 0.0})
    ('93-5667 ; 93-5668', 'qpv : 0,3801, familles monoparentales : 0')
    >>> entetes = {"annee": "Année", "confiance": "Confiance (0 à 1)"}
    >>> texte_lisible([{"annee": 2022, "confiance": 0.9}, {"annee": 2021}], entetes), texte_lisible([])
    ('Année : 2022, Confiance (0 à 1) : 0,9 ; Année : 2021', None)
    """
    if valeur is None:
        return None
    entetes = entetes or {}
    if isinstance(valeur, dict):
        morceaux = [
            f"{_cle_lisible(k, entetes)} : {texte_lisible(v, entetes)}"
            for k, v in valeur.items()
            if texte_lisible(v, entetes) is not None
        ]
        return ", ".join(morceaux) or None
    if isinstance(valeur, list | tuple | set):
        morceaux = [t for t in (texte_lisible(v, entetes) for v in valeur) if t is not None and t != ""]
        return " ; ".join(morceaux) or None
    if isinstance(valeur, int | float):
        return _nombre_fr(valeur)
    return str(valeur)


def _structure(texte: str) -> Any:
    """The list or mapping written in ``texte`` (JSON or Python literal), or ``texte`` itself."""
    try:
        return json.loads(texte)
    except ValueError:
        pass
    try:
        return ast.literal_eval(texte)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return texte


def _convertisseur(kind: str | None) -> Callable[[Any], Any]:
    """The conversion a column declares: « a|b » text split into a list (kind ``liste``), else none.

    Lists whatever their storage (DuckDB list, JSON or Python text) are made readable value by
    value in :func:`_ecrivain`."""
    if kind != "liste":
        return _identite

    def separer(v):
        if v is None or isinstance(v, list | tuple | dict) or _est_structure(v):
            return v
        return [p.strip() for p in str(v).split("|")]

    return separer


def _lisible(valeur: Any, entetes: dict[str, str]) -> Any:
    """A list or mapping (or its JSON or Python text) as readable text; any other value unchanged."""
    if isinstance(valeur, list | tuple | dict):
        return texte_lisible(valeur, entetes)
    if _est_structure(valeur):
        structure = _structure(valeur)
        return valeur if isinstance(structure, str) else texte_lisible(structure, entetes)
    return valeur


def _identite(v: Any) -> Any:
    return v


def _est_structure(texte: Any) -> bool:
    if not isinstance(texte, str):
        return False
    t = texte.strip()
    return len(t) >= 2 and ((t[0] == "[" and t[-1] == "]") or (t[0] == "{" and t[-1] == "}"))


def _propre(valeur: Any) -> Any:
    """A value Excel can hold: text without control characters and cut to a cell's size, naive times."""
    if isinstance(valeur, str):
        valeur = ILLEGAL_CHARACTERS_RE.sub(" ", valeur)
        return valeur if len(valeur) <= _MAX_TEXTE else valeur[: _MAX_TEXTE - 1] + "…"
    if isinstance(valeur, dt.datetime) and valeur.tzinfo is not None:
        return valeur.replace(tzinfo=None)
    if isinstance(valeur, float) and not math.isfinite(valeur):
        return None
    return valeur


def _largeur_valeur(valeur: Any, kind: str | None) -> int:
    if valeur is None:
        return 0
    if isinstance(valeur, bool):
        return 4
    if isinstance(valeur, int | float):
        if kind == "part":
            return len(f"{valeur * 100:.1f}") + 2
        if kind == "annee":
            return len(str(valeur))
        return len(f"{valeur:,.2f}")
    if isinstance(valeur, dt.datetime):
        return 16
    if isinstance(valeur, dt.date):
        return 10
    return len(str(valeur))


def _kind_du_type(type_sql: str) -> str | None:
    t = type_sql.upper()
    if t.startswith(
        (
            "TINYINT",
            "SMALLINT",
            "INTEGER",
            "BIGINT",
            "HUGEINT",
            "UTINYINT",
            "USMALLINT",
            "UINTEGER",
            "UBIGINT",
            "UHUGEINT",
        )
    ):
        return "entier"
    if t.startswith(("DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC")):
        return "decimal"
    if t.startswith("TIMESTAMP"):
        return "horodatage"
    if t == "DATE":
        return "date"
    return None


# ---------------------------------------------------------------------------------------------
# writing rows


class _Modele(Cell):
    """A styled cell reused from row to row.

    openpyxl's streamed sheet first tries a passed cell as a value and formats its ``repr`` into the
    error it catches, then looks its style up at every write: a constant ``repr`` and a style id
    computed once keep that cheap for the hundred thousand numbers of a large département. The
    style is set once, before the first write."""

    __slots__ = ("_id_style",)

    def __init__(self, feuille) -> None:
        super().__init__(feuille)
        self._id_style = None

    def __repr__(self) -> str:
        return "<cellule>"

    @property
    def style_id(self) -> int:
        if self._id_style is None:
            self._id_style = Cell.style_id.fget(self)
        return self._id_style


class _Feuille:
    """A write-only sheet with one reusable cell per style (a streamed sheet writes each row at once)."""

    def __init__(self, classeur: Workbook, titre: str):
        self.ws = classeur.create_sheet(titre)
        self.titre = titre
        self._modeles: dict[tuple, _Modele] = {}

    def cellule(
        self, j: int, valeur: Any, kind: str | None = None, style: str | None = None, lien: str | None = None
    ):
        """A cell for ``valeur`` in column ``j``: number format of ``kind``, font of ``style``, text as text.

        The styled cell of a column is reused from row to row (each row is written when appended),
        never within a row: the key holds the column."""
        valeur = _propre(valeur)
        if valeur is None and style is None:
            return None
        formule = est_formule(valeur)
        numerique = isinstance(valeur, int | float) and not isinstance(valeur, bool)
        date = isinstance(valeur, dt.date)
        format_ = FORMATS.get(kind) if (numerique or date) else None
        if date and format_ is None:
            format_ = FORMATS["horodatage" if isinstance(valeur, dt.datetime) else "date"]
        if numerique and format_ is None:
            format_ = FORMATS["entier" if isinstance(valeur, int) else "decimal"]
        if lien is not None:  # one cell each: the link is kept with the cell
            cell = WriteOnlyCell(self.ws, value=valeur)
            cell.hyperlink = Hyperlink(ref="", location=lien)
            cell.font, cell.alignment = _LIEN, _HAUT
            return cell
        if format_ is None and style is None and not formule:
            return valeur
        cle = (j, format_, style, formule)
        cell = self._modeles.get(cle)
        if cell is None:
            cell = _Modele(self.ws)
            if format_:
                cell.number_format = format_
            if style == "entete":
                cell.font, cell.fill, cell.alignment = _GRAS, _FOND, _ENVELOPPE
            elif style == "titre":
                cell.font = _TITRE
            elif style == "section":
                cell.font = _SECTION
            elif style == "note":
                cell.font = _NOTE
            elif style == "gras":
                cell.font = _GRAS
            elif style == "enveloppe":
                cell.alignment = _ENVELOPPE
            elif style == "haut":
                cell.alignment = _HAUT
            if formule:
                cell.quotePrefix = True
            self._modeles[cle] = cell
        cell.value = valeur
        if formule or cell.data_type in ("f", "e"):
            cell.data_type = "s"  # shown and kept as text, never computed
        return cell

    def impression(self, une_page_de_large: bool) -> None:
        """Print in landscape; a read-me or synthesis sheet one page wide, a detailed sheet with its
        header row repeated on every page."""
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        if une_page_de_large:
            self.ws.page_setup.fitToWidth, self.ws.page_setup.fitToHeight = 1, 0
            self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        else:
            self.ws.print_title_rows = "1:1"

    def hauteur(self, ligne: int, textes: list[tuple[Any, float]]) -> None:
        """Give row ``ligne`` the height of its longest wrapped text (``(text, column width)`` pairs):
        a spreadsheet does not always size rows it did not write itself."""
        lignes = max(
            (
                math.ceil(len(str(t)) / max(1.0, min(LARGEUR_MAX, w) * 1.05))
                for t, w in textes
                if t is not None
            ),
            default=1,
        )
        if lignes > 1:
            self.ws.row_dimensions[ligne].height = 13 * lignes + 2

    def largeurs(self, largeurs: list[int]) -> None:
        for i, w in enumerate(largeurs, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = max(6, min(LARGEUR_MAX, w))

    def append(self, cellules: list) -> None:
        self.ws.append(cellules)


# ---------------------------------------------------------------------------------------------
# detailed sheets (one per mart)


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


# ---------------------------------------------------------------------------------------------
# synthesis sheets (one per axis) and read-me


def _bloc(
    con, cm: dict[str, dict[str, str]], table: str, voulues: list[str], where: str, params: list, ordre: str
):
    """Rows of ``table`` for the columns of ``voulues`` that exist (a changed mart never breaks the sheet).

    ``cm``: ``{mart: {column: type}}`` of the warehouse."""
    presentes = cm.get(table, {})
    cols = [c for c in voulues if c in presentes]
    if not cols:
        return [], []
    ordre = ", ".join(o for o in ordre.split(", ") if o.split()[0] in presentes) or "1"
    sql = f"select {', '.join(cols)} from marts.{table} where {where} order by {ordre}"
    try:
        return cols, con.execute(sql, params).fetchall()
    except duckdb.Error:
        return [], []


def _ecrire_page(
    feuille: _Feuille,
    lignes: list[list[tuple]],
    largeurs_min: list[int] | None = None,
    largeur_max: int = LARGEUR_MAX,
) -> None:
    """Write rows of ``(value, kind, style[, link])`` cells, sizing the columns from the table rows
    (at most ``largeur_max``); a longer text wraps, and its row is as high as it needs."""
    largeurs = list(largeurs_min or [])
    for ligne in lignes:
        if len(ligne) < 2:  # a title or a sentence overflows to the right: it does not size the column
            continue
        for j, morceau in enumerate(ligne):
            valeur, kind = morceau[0], morceau[1]
            w = min(largeur_max, _largeur_valeur(valeur, kind) + 2)
            if j >= len(largeurs):
                largeurs.append(w)
            else:
                largeurs[j] = max(largeurs[j], w)
    feuille.largeurs(largeurs)
    feuille.impression(True)
    for i, ligne in enumerate(lignes, start=1):
        if len(ligne) >= 2:
            ligne = [
                (m[0], m[1], "enveloppe", *m[3:])
                if m[2] is None and isinstance(m[0], str) and len(m[0]) + 2 > min(largeurs[j], LARGEUR_MAX)
                else m
                for j, m in enumerate(ligne)
            ]
        enveloppees = [(m[0], largeurs[j]) for j, m in enumerate(ligne) if m[2] in ("enveloppe", "entete")]
        if enveloppees and len(ligne) >= 2:  # the other cells of the row at the top, beside the wrapped text
            ligne = [(m[0], m[1], "haut", *m[3:]) if m[2] is None else m for m in ligne]
        feuille.hauteur(i, enveloppees)
        feuille.append([feuille.cellule(j, *morceau) for j, morceau in enumerate(ligne)])


def _table(entetes: list[str], lignes: list[list[tuple]]) -> list[list[tuple]]:
    return [[(e, None, "entete") for e in entetes]] + lignes


def _oui_non(v) -> str | None:
    return None if v is None else ("oui" if v else "non")


def _synthese_axe(
    con,
    cm: dict[str, dict[str, str]],
    code: str,
    axe: str,
    libelle_axe: str,
    nom_dep: str,
    presents: set[str],
    genere_le: str,
    lib: Libelles,
):
    """The rows of an axis's synthesis sheet."""
    lignes: list[list[tuple]] = [
        [(f"Axe {axe} : {libelle_axe}", None, "titre")],
        [
            (
                f"{nom_dep}, classeur produit le {genere_le}. Indices : 100 = France (ou les communes "
                "couvertes, pour une source partielle).",
                None,
                "note",
            )
        ],
    ]
    if "besoins" in presents:
        cols, rows = _bloc(
            con,
            cm,
            "besoins",
            ["libelle_domaine", "indice_besoin", "nb_composantes"],
            "niveau = 'departement' and code_territoire = ? and code_axe = ?",
            [code, axe],
            "libelle_domaine",
        )
        if rows:
            lignes += [[], [("Besoin du département par domaine", None, "section")]]
            lignes += _table(
                [lib.entete("besoins", c) for c in cols],
                [
                    [
                        (
                            v,
                            lib.format_colonne("besoins", c) or ("decimal" if isinstance(v, float) else None),
                            None,
                        )
                        for c, v in zip(cols, r, strict=True)
                    ]
                    for r in rows
                ],
            )
    if "priorites" in presents:
        voulues = [
            "rang_axe",
            "libelle_territoire",
            "libelle_domaine",
            "score",
            "indice_besoin",
            "indice_offre",
            "ecart_besoin_offre",
            "typologie_ecart",
            "zone_blanche",
            "faiblesse_coordination",
        ]
        echelles = [
            ("infra", "Priorités classées : EPT et EPCI"),
            ("departement", "Priorités classées : département"),
        ]
        for echelle, titre in echelles:
            cols, rows = _bloc(
                con,
                cm,
                "priorites",
                voulues,
                "code_departement = ? and code_axe = ? and echelle = ? and donnees_suffisantes",
                [code, axe, echelle],
                "rang_axe, libelle_territoire, libelle_domaine",
            )
            lignes += [[], [(titre, None, "section")]]
            if rows:
                lignes += _table(
                    [lib.entete("priorites", c) for c in cols],
                    [
                        [
                            (
                                _oui_non(v) if c == "zone_blanche" else v,
                                lib.format_colonne("priorites", c),
                                None,
                            )
                            for c, v in zip(cols, r, strict=True)
                        ]
                        for r in rows
                    ],
                )
            else:
                lignes.append([("Aucune priorité classée à cette échelle.", None, "note")])
        _, absentes = _bloc(
            con,
            cm,
            "priorites",
            ["raison"],
            "code_departement = ? and code_axe = ? and not donnees_suffisantes",
            [code, axe],
            "raison",
        )
        if absentes:
            raisons = sorted({r[0] for r in absentes if r[0]})
            lignes.append(
                [
                    (
                        f"{len(absentes)} ligne(s) non classée(s) faute de données suffisantes"
                        + (f" : {' ; '.join(raisons[:5])}" if raisons else "")
                        + f" (feuille « {lib.feuille('priorites')[1]} », colonne « Raison »).",
                        None,
                        "note",
                    )
                ]
            )
    if "pistes" in presents:
        voulues = [
            "rang_axe",
            "libelle_territoire",
            "libelle_domaine",
            "nature",
            "intitule",
            "indicateur_suivi",
        ]
        cols, rows = _bloc(
            con,
            cm,
            "pistes",
            voulues,
            "code_departement = ? and code_axe = ?",
            [code, axe],
            "rang_axe, libelle_territoire",
        )
        lignes += [[], [("Pistes d'action", None, "section")]]
        if rows:
            lignes += _table(
                [lib.entete("pistes", c) for c in cols],
                [
                    [
                        (
                            v,
                            lib.format_colonne("pistes", c),
                            "enveloppe" if isinstance(v, str) and len(v) > 60 else None,
                        )
                        for c, v in zip(cols, r, strict=True)
                    ]
                    for r in rows
                ],
            )
        else:
            lignes.append([("Aucune piste : aucune priorité de l'axe n'est classée.", None, "note")])
    if {"indicateurs", "indicateurs_catalogue"} <= presents:
        blocs = [
            ("code_axe = ?", [axe], "Indicateurs clés de l'axe : le département face à la France"),
            ("code_axe is null", [], "Contexte : le département face à la France"),
        ]
        for condition, params, titre in blocs:
            lignes += [[], [(titre, None, "section")]]
            lignes += _indicateurs_cles(con, code, condition, params)
    return lignes


def _indicateurs_cles(con, code: str, condition: str, params: list) -> list[list[tuple]]:
    """The département's latest value of the catalogue's indicators matching ``condition``, with the
    région and France values (a table, or a sentence saying why there is none)."""
    try:
        n = con.execute(
            f"select count(*) from marts.indicateurs_catalogue where {condition}", params
        ).fetchone()[0]
        rows = con.execute(
            f"""with c as (select code_indicateur, libelle, unite, source from marts.indicateurs_catalogue
                          where {condition}),
               i as (select * from marts.indicateurs where niveau = 'departement' and code_territoire = ?
                     and code_indicateur in (select code_indicateur from c)
                     qualify row_number() over (partition by code_indicateur
                             order by (valeur is null and not secret), annee desc) = 1)
               select c.libelle, c.unite, i.annee, i.valeur, i.secret, i.valeur_region, i.valeur_france,
                      i.ecart_france, c.source
               from i join c using (code_indicateur) order by c.libelle""",
            [*params, code],
        ).fetchall()
    except duckdb.Error:
        n, rows = 0, []
    if not rows:
        texte = (
            "Aucun de ces indicateurs n'est publié pour le département."
            if n
            else "Aucun indicateur de besoin n'est encore défini pour cet axe."
        )
        return [[(texte, None, "note")]]
    entetes = [
        "Indicateur",
        "Unité",
        "Année",
        "Département",
        "Région",
        "France",
        "Écart à la France",
        "Source",
    ]
    corps = []
    for lib, unite, annee, valeur, secret, region, france, ecart, source in rows:
        corps.append(
            [
                (lib, None, None),
                (unite, None, None),
                (annee, "annee", None),
                ("secret statistique" if secret and valeur is None else valeur, "decimal", None),
                (region, "decimal", None),
                (france, "decimal", None),
                (ecart, "decimal", None),
                (source, None, None),
            ]
        )
    return _table(entetes, corps)


def _sources(con, code: str, presents: set[str]) -> list[tuple[str, str]]:
    """(use, publisher and dataset) of the data in the workbook, from the marts themselves."""
    sources: list[tuple[str, str]] = []

    def requete(sql, params):
        try:
            return con.execute(sql, params).fetchall()
        except duckdb.Error:
            return []

    try:
        cog = con.execute("select vintage from raw._chargements where table_name = 'cog_communes'").fetchone()
    except duckdb.Error:
        cog = None
    if cog and cog[0]:
        sources.append(("Territoires", f"INSEE, Code officiel géographique ({cog[0]})"))
    if {"indicateurs", "indicateurs_catalogue"} <= presents:
        for (source,) in requete(
            "select distinct c.source from marts.indicateurs_catalogue as c where c.code_indicateur in "
            "(select code_indicateur from marts.indicateurs where code_departement = ?) order by 1",
            [code],
        ):
            sources.append(("Indicateurs de besoin", source))
    if {"services", "offre_sources"} <= presents:
        for (libelle,) in requete(
            "select distinct o.libelle from marts.offre_sources as o where o.table_source in "
            "(select table_source from marts.services where code_departement = ?) order by 1",
            [code],
        ):
            sources.append(("Offre de services", libelle))
    if "acteurs" in presents:
        n = requete(
            "select count(*) from marts.acteurs where code_departement = ? and source_publique is not null",
            [code],
        )
        if n and n[0][0]:
            sources.append(
                (
                    "Coordination",
                    "Registre des acteurs et dispositifs du projet : sources publiques "
                    "citées acteur par acteur (feuille « Acteurs et dispositifs », "
                    "colonne « Source publique »)",
                )
            )
        sources.append(
            (
                "Coordination",
                "Modèle national des dispositifs du Pacte (feuille « Modèle des "
                "dispositifs ») et catalogue de l'offre ci-dessus",
            )
        )
    if "documents" in presents:
        for titre, auteur, date in requete(
            "select titre, coalesce(editeur_manifeste, auteur), coalesce(date_manifeste, date_document) "
            "from marts.documents where code_departement = ? and categorie = 'document' order by 1",
            [code],
        ):
            detail = ", ".join(x for x in (auteur, date) if x)
            sources.append(("Documents déposés", f"« {titre} », {detail}" if detail else f"« {titre} »"))
        n = requete(
            "select count(*) from marts.documents where code_departement = ? and categorie = 'entretien'",
            [code],
        )
        if n and n[0][0]:
            sources.append(("Entretiens", f"{n[0][0]} note(s) d'entretien déposée(s), pseudonymisées"))
    return sources


def _lisez_moi(
    nom_dep: str,
    genere_le: str,
    syntheses: list[tuple[str, str]],
    detail: list[tuple[str, str, str, int]],
    absentes: list[tuple[str, str]],
    sources: list[tuple[str, str]],
) -> list[list[tuple]]:
    lien = lambda titre: f"'{titre}'!A1"  # noqa: E731
    lignes: list[list[tuple]] = [
        [(f"Diagnostic territorial du Pacte des solidarités : {nom_dep}", None, "titre")],
        [
            (
                f"Classeur produit le {genere_le}, à partir des données du diagnostic du département.",
                None,
                "note",
            )
        ],
        [],
        [("Comment l'utiliser", None, "section")],
        [
            (
                "Les feuilles « Synthèse » résument chaque axe : besoin par domaine, priorités classées, "
                "pistes "
                "d'action et indicateurs clés du département face à la France.",
                None,
                None,
            )
        ],
        [
            (
                "Les feuilles suivantes donnent le détail, par groupe : priorités et pistes, besoins, offre, "
                "coordination, documents, puis les référentiels.",
                None,
                None,
            )
        ],
        [
            (
                "Filtrer : chaque feuille de détail a sa ligne d'en-tête figée et un filtre ; cliquer sur "
                "la flèche "
                "d'une en-tête pour choisir un territoire, un domaine ou une année (menu Données, Filtrer).",
                None,
                None,
            )
        ],
        [("Définitions : placer la souris sur une en-tête affiche la définition de la colonne.", None, None)],
        [
            (
                "Un nom suit chaque code de territoire, d'indicateur et de domaine ; les listes sont "
                "écrites « a ; b ; c ».",
                None,
                None,
            )
        ],
        [
            (
                "Une cellule vide signifie une valeur non disponible ; la colonne « Secret statistique » "
                "dit quand la source la masque. Indices : 100 = la valeur de la France (pour une source "
                "partielle, celle des communes qu'elle couvre : colonne « Référence de l'indice »).",
                None,
                None,
            )
        ],
        [
            (
                "Les feuilles de territoires gardent les lignes de la région et de la France pour "
                "comparaison.",
                None,
                None,
            )
        ],
        [],
        [("Feuilles du classeur", None, "section")],
        [
            ("Groupe", None, "entete"),
            ("Feuille", None, "entete"),
            ("Contenu", None, "entete"),
            ("Lignes", None, "entete"),
        ],
    ]
    for titre, libelle in syntheses:
        lignes.append(
            [
                ("Synthèse", None, None),
                (titre, None, None, lien(titre)),
                (libelle, None, "enveloppe"),
                (None, None, None),
            ]
        )
    for groupe, titre, contenu, n in detail:
        lignes.append(
            [
                (groupe, None, None),
                (titre, None, None, lien(titre)),
                (contenu, None, "enveloppe"),
                (n, "entier", None),
            ]
        )
    if absentes:
        lignes += [
            [],
            [("Feuilles absentes", None, "section")],
            [("Feuille", None, "entete"), ("Pourquoi", None, "entete")],
        ]
        lignes += [[(titre, None, None), (raison, None, "enveloppe")] for titre, raison in absentes]
    lignes += [
        [],
        [("Sources", None, "section")],
        [("Utilisées pour", None, "entete"), ("Producteur et jeu de données", None, "entete")],
    ]
    lignes += [[(usage, None, None), (source, None, "enveloppe")] for usage, source in sources]
    return lignes


def exporter_excel(
    con: duckdb.DuckDBPyConnection,
    code: str,
    chemin: Path,
    descriptions: dict[str, dict[str, str]] | None = None,
    marts: list[str] | None = None,
    genere_le: str | None = None,
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

    Returns
    -------
    dict
        Rows written per mart (0 for a mart without rows, which gets no sheet). A mart larger than
        an Excel sheet raises ``ValueError``.
    """
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
                _synthese_axe(con, colonnes_marts, code, axe, libelle_axe, nom_dep, presents, genere_le, lib),
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
        donnees = con.execute(sql, params).fetchall()
        if len(donnees) > MAX_LIGNES_EXCEL:
            raise ValueError(f"marts.{mart} has {len(donnees)} rows for {code}: too many for one Excel sheet")
        lignes[mart] = len(donnees)
        if not donnees:
            absentes.append((titre, lib.motif_absence(mart)))
            continue
        nom = nom_feuille(titre, pris)
        titres[mart] = nom
        _feuille_detail(classeur, nom, donnees, colonnes_sortie, descriptions.get(mart, {}), titres, lib)
        detail.append((groupe, nom, contenu, len(donnees)))
        del donnees
    page = _lisez_moi(nom_dep, genere_le, syntheses, detail, absentes, _sources(con, code, presents))
    _ecrire_page(lisez_moi, page, [22, 30, 90, 10])
    with ecriture_atomique(Path(chemin)) as partiel:
        classeur.save(partiel)
    return lignes
