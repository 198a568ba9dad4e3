"""Write the files of one département (report, PDF, committee kit, exports) and the national dictionary.

Layout under ``<output>/``::

    <code>/rapport_diagnostic.html, <code>/rapport_diagnostic.pdf
    <code>/kit/fiche_axe_A1.html … <code>/kit/fiche_axe_A4.html, <code>/kit/diagnostic_<code>.xlsx
    <code>/kit/suivi_<code>.xlsx, <code>/kit/acteurs_liens_<code>.xlsx (the comité's workbooks, filled and sent back)
    <code>/exports/<mart>.parquet (every mart)
    dictionnaire/index.html (one for the whole warehouse: the marts are national tables)

Each function takes an open DuckDB connection and returns the paths it wrote. The analysts'
workbook (:func:`produire_classeur`) is the kit's longest part: ``pacte build`` writes it in a process
of its own (``orchestration/classeur_a_part.py``) through the same function, so this module imports
what the report and the fiches need (templates, maps) only when they are written.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import duckdb

from rapport.dictionnaire import descriptions_completes, rendre_dictionnaire
from rapport.exports import exporter_excel, exporter_parquet
from socle.ecriture import ecrire_texte

__all__ = [
    "produire_rapport",
    "produire_kit",
    "produire_classeur",
    "chemin_classeur",
    "produire_exports",
    "produire_dictionnaire",
]

LOG = logging.getLogger(__name__)


def _ecrire(chemin: Path, texte: str) -> Path:
    return ecrire_texte(chemin, texte)


def produire_rapport(
    con: duckdb.DuckDBPyConnection,
    code: str,
    sortie: Path,
    geo_dir: Path,
    ponderations: dict[str, Any] | None,
    pdf: bool = True,
    contexte: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The diagnostic report: ``rapport_diagnostic.html`` and, when Chromium is there, the PDF.

    ``contexte``: the département's :func:`contexte_departement` when the caller has it already."""
    from rapport.contexte import contexte_departement
    from rapport.rendu import imprimer_pdf, rendre_rapport

    contexte = contexte or contexte_departement(con, code, geo_dir, ponderations)
    html = _ecrire(Path(sortie) / "rapport_diagnostic.html", rendre_rapport(contexte))
    fichiers = {"html": html, "pdf": None}
    if pdf:
        cible = Path(sortie) / "rapport_diagnostic.pdf"
        if imprimer_pdf(html, cible):
            fichiers["pdf"] = cible
    return {"fichiers": fichiers, "nb_pistes": len(contexte["fiches"]), "contexte": contexte}


def chemin_classeur(sortie: Path, code: str) -> Path:
    """Where the analysts' workbook of département ``code`` is written (``sortie``: its folder)."""
    return Path(sortie) / "kit" / f"diagnostic_{code}.xlsx"


def produire_classeur(
    con: duckdb.DuckDBPyConnection, code: str, sortie: Path, manifest_path: Path | None = None
) -> dict[str, Any]:
    """The analysts' workbook of the kit (:func:`rapport.exports.exporter_excel`), its header comments
    taken from the dbt manifest's descriptions when ``manifest_path`` exists.

    Returns ``{"classeur": path, "lignes": {mart: rows}}``."""
    descr = {}
    if manifest_path and Path(manifest_path).exists():
        manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
        descr = {m: info["colonnes"] for m, info in descriptions_completes(manifest).items()}
    classeur = chemin_classeur(sortie, code)
    lignes = exporter_excel(con, code, classeur, descriptions=descr)
    return {"classeur": classeur, "lignes": lignes}


def produire_kit(
    con: duckdb.DuckDBPyConnection,
    code: str,
    sortie: Path,
    geo_dir: Path,
    ponderations: dict[str, Any] | None,
    manifest_path: Path | None = None,
    contexte: dict[str, Any] | None = None,
    aujourd_hui: dt.date | None = None,
    classeur: bool = True,
) -> dict[str, Any]:
    """The committee kit: one sheet per axis, the analysts' workbook and the comité's two workbooks
    (decisions, « acteurs et liens »: :mod:`rapport.suivi_classeurs`), dated ``aujourd_hui``.

    ``classeur=False`` leaves the analysts' workbook to the caller (:func:`produire_classeur`, which
    ``pacte build`` runs in a process of its own): ``"classeur"`` is then where it goes and
    ``"lignes"`` is None."""
    from rapport.contexte import contexte_departement
    from rapport.rendu import rendre_fiche_axe
    from rapport.suivi_classeurs import ecrire_classeur_decisions, ecrire_classeur_reseau

    contexte = contexte or contexte_departement(con, code, geo_dir, ponderations)
    kit = Path(sortie) / "kit"
    fiches = [
        _ecrire(kit / f"fiche_axe_{axe['code']}.html", rendre_fiche_axe(contexte, axe))
        for axe in contexte["axes"]
    ]
    if classeur:
        analystes = produire_classeur(con, code, sortie, manifest_path)
    else:
        analystes = {"classeur": chemin_classeur(sortie, code), "lignes": None}
    jour = aujourd_hui or dt.date.today()
    libelle = str(contexte["departement"].get("libelle") or code)
    suivi = kit / f"suivi_{code}.xlsx"
    reseau = kit / f"acteurs_liens_{code}.xlsx"
    ecrire_classeur_decisions(con, code, libelle, suivi, jour)
    ecrire_classeur_reseau(con, code, libelle, reseau, jour)
    return {
        "fiches": fiches,
        "classeur": analystes["classeur"],
        "lignes": analystes["lignes"],
        "suivi": suivi,
        "acteurs_liens": reseau,
    }


def produire_exports(con: duckdb.DuckDBPyConnection, code: str, sortie: Path) -> dict[str, Any]:
    """Parquet exports of every mart, filtered to the département."""
    lignes = exporter_parquet(con, code, Path(sortie) / "exports")
    return {"dossier": Path(sortie) / "exports", "lignes": lignes}


def produire_dictionnaire(con: duckdb.DuckDBPyConnection, sortie: Path, manifest_path: Path) -> Path:
    """The static data dictionary page ``<sortie>/dictionnaire/index.html``.

    ``sortie`` is the output root (``PACTE_OUTPUT``), not a département's folder: the dictionary
    describes the warehouse's marts, the same for every département, and is published once.
    """
    if not Path(manifest_path).exists():
        raise FileNotFoundError(f"dbt manifest not found: {manifest_path} (run dbt parse)")
    page = rendre_dictionnaire(manifest_path, con, dt.datetime.now().strftime("%d/%m/%Y à %H:%M"))
    return _ecrire(Path(sortie) / "dictionnaire" / "index.html", page)
