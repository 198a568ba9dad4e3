"""Formula injection: text cells a spreadsheet would take for a formula (OWASP « CSV injection »).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel, LibreOffice or Google Sheets when the file is opened (``=HYPERLINK(…)``,
``=IMPORTXML(…)``, ``@SUM(…)``). One rule for every file written for people:

- the workbook (:mod:`rapport.exports`) keeps such a text as a text cell (quote prefix, type
  « s »), shown as written and never computed: :func:`est_formule`;
- the CSV files (need extracts, list of rows set aside) prefix it with an apostrophe, as OWASP
  advises, so a spreadsheet shows it as text: :func:`neutraliser`, :func:`neutraliser_textes`.

Only text is touched: a number (``-12,5`` in a numeric column) stays a number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest.paresseux import module_paresseux

if TYPE_CHECKING:
    import pandas

# pandas at first use: the Dagster definitions import this module (issue 12, point 1)
pd = module_paresseux("pandas")

__all__ = ["DEBUTS_DE_FORMULE", "est_formule", "neutraliser", "neutraliser_textes"]

#: First characters a spreadsheet may take for the start of a formula.
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def est_formule(valeur: Any) -> bool:
    """Whether ``valeur`` is a text a spreadsheet would run as a formula.

    >>> est_formule('=HYPERLINK("http://x","Cliquez ici")'), est_formule("@SUM(A1)"), est_formule("\\t=1")
    (True, True, True)
    >>> est_formule(-12.5), est_formule("Aulnay-sous-Bois"), est_formule("")
    (False, False, False)
    """
    return isinstance(valeur, str) and valeur.startswith(DEBUTS_DE_FORMULE)


def neutraliser(valeur: Any) -> Any:
    """``valeur`` for a CSV cell: a formula-like text behind an apostrophe, anything else unchanged.

    >>> neutraliser("=1+1"), neutraliser("-5 places"), neutraliser(-5), neutraliser(None)
    ("'=1+1", "'-5 places", -5, None)
    """
    return "'" + valeur if est_formule(valeur) else valeur


def neutraliser_textes(frame: pandas.DataFrame) -> pandas.DataFrame:
    """A copy of ``frame`` whose text cells are neutralised (numeric columns untouched).

    >>> f = pd.DataFrame({"nom": ["=IMPORTXML(1)", "Bondy"], "solde": [-3, 4]})
    >>> neutraliser_textes(f).to_dict("list")
    {'nom': ["'=IMPORTXML(1)", 'Bondy'], 'solde': [-3, 4]}
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(neutraliser, na_action="ignore")
    return out
