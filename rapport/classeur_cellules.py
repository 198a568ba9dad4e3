"""The workbook's cells: French values (numbers, lists, yes/no), column widths, and the write-only
sheet that streams rows with their styles (:class:`_Feuille`). Split from rapport/exports.py
(issue 13); the rule against formula injection is :mod:`rapport.formules`'.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import math
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from rapport.classeur_libelles import FORMATS
from rapport.formules import est_formule

__all__ = ["MAX_LIGNES_EXCEL", "LARGEUR_MAX", "LISEZ_MOI", "texte_lisible"]

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
# style name -> the cell attributes it sets (an unknown or absent style sets none)
_STYLES = {
    "entete": {"font": _GRAS, "fill": _FOND, "alignment": _ENVELOPPE},
    "titre": {"font": _TITRE},
    "section": {"font": _SECTION},
    "note": {"font": _NOTE},
    "gras": {"font": _GRAS},
    "enveloppe": {"alignment": _ENVELOPPE},
    "haut": {"alignment": _HAUT},
}


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
            for attribut, valeur_style in _STYLES.get(style, {}).items():
                setattr(cell, attribut, valeur_style)
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
