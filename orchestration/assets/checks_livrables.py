"""Checks on what a build hands over: the report (there, readable offline), its PDF (printed, or
why not), the kit's analysts' workbook (written by its own process, or why not) and the analysts'
read-only copy (opens read-only, holds the same marts as the warehouse).

They read files only (and the two DuckDB files); nothing is imported beyond the standard library
until a check runs.
"""


import re
from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from orchestration.resources import PacteSettingsResource, WarehouseResource

__all__ = ["CHECKS", "ressources_externes", "comparer_marts"]

RAPPORT = AssetKey(["rapport", "rapport_diagnostic"])
KIT = AssetKey(["rapport", "kit_comite"])
COPIE = AssetKey(["publication", "entrepot_lecture"])

# What a browser would fetch while opening the page: scripts, images, style sheets, frames, CSS
# url() and @import. Plain links (<a href>, the sources cited) are only followed on a click.
_CHARGEMENTS = re.compile(
    r"""<(?:script|img|iframe|source|video|audio|embed)\b[^>]*?\bsrc\s*=\s*["']?((?:https?:)?//[^"'\s>]+)"""
    r"""|<link\b[^>]*?\bhref\s*=\s*["']?((?:https?:)?//[^"'\s>]+)"""
    r"""|url\(\s*["']?((?:https?:)?//[^"')\s]+)"""
    r"""|@import\s+(?:url\()?\s*["']?((?:https?:)?//[^"')\s;]+)""",
    re.IGNORECASE,
)


def ressources_externes(html: str) -> list[str]:
    """The addresses outside the file that a browser would load to show ``html`` (sorted, unique).

    >>> ressources_externes('<img src="data:image/png;base64,AA"><a href="https://insee.fr">INSEE</a>')
    []
    >>> ressources_externes('<script src="https://cdn.example/x.js"></script><style>a{b:url(//f.io/y.woff)}</style>')
    ['//f.io/y.woff', 'https://cdn.example/x.js']
    """
    found = {next(g for g in match.groups() if g) for match in _CHARGEMENTS.finditer(html)}
    return sorted(found)


def _code(context: AssetCheckExecutionContext) -> str:
    return (context.run.tags.get("dagster/partition") if context.run else None) or ""


@asset_check(
    asset=RAPPORT,
    name="rapport_present_hors_ligne",
    description=(
        "Le rapport HTML du département existe et s'ouvre hors ligne : il ne charge rien d'un autre "
        "site (images, styles, polices et scripts sont dans le fichier ; seuls les liens vers les "
        "sources citées mènent ailleurs, sur un clic)."
    ),
)
def rapport_present_hors_ligne(
    context: AssetCheckExecutionContext, settings: PacteSettingsResource
) -> AssetCheckResult:
    code = _code(context)
    html = Path(settings.output_dir) / code / "rapport_diagnostic.html"
    if not code or not html.is_file() or html.stat().st_size == 0:
        return AssetCheckResult(
            passed=False,
            severity=AssetCheckSeverity.ERROR,
            description=f"Le rapport du département {code or '(inconnu)'} est absent : {html}.",
        )
    externes = ressources_externes(html.read_text(encoding="utf-8", errors="replace"))
    taille = round(html.stat().st_size / 1024)
    return AssetCheckResult(
        passed=not externes,
        severity=AssetCheckSeverity.ERROR,
        description=(
            f"Rapport présent ({taille} ko), lisible hors ligne."
            if not externes
            else f"Le rapport charge {len(externes)} ressource(s) d'un autre site et ne s'affiche pas "
            "entièrement hors ligne : " + ", ".join(externes[:5])
        ),
        metadata={"fichier": str(html), "taille_ko": taille, "ressources_externes": len(externes)},
    )


@asset_check(
    asset=RAPPORT,
    name="rapport_imprime_en_pdf",
    description=(
        "Le rapport est imprimé en PDF ; sinon, l'avertissement dit pourquoi (Chromium absent ou en "
        "échec) et comment l'imprimer sans tout reconstruire."
    ),
    # after the other ready steps (the publication included, which does not read the PDF): waiting
    # for Chromium earlier would leave the build's own core idle
    op_tags={"dagster/priority": "-1"},
)
def rapport_imprime_en_pdf(
    context: AssetCheckExecutionContext, settings: PacteSettingsResource
) -> AssetCheckResult:
    from orchestration.assets.rapport import attendre_impression

    code = _code(context)
    dossier = Path(settings.output_dir) / code
    pdf, html = dossier / "rapport_diagnostic.pdf", dossier / "rapport_diagnostic.html"
    attendre_impression(pdf)  # the report step prints in the background
    imprime = (
        pdf.is_file()
        and _entete(pdf) == b"%PDF-"
        and (not html.exists() or pdf.stat().st_mtime >= html.stat().st_mtime)
    )
    if not imprime:
        from rapport.rendu import pourquoi_pas_de_pdf

        raison = pourquoi_pas_de_pdf(code or "93")
        if pdf.is_file():
            raison = "Le PDF présent est plus ancien que le rapport HTML ou illisible. " + raison
        return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN, description=raison)
    from pypdf import PdfReader

    pages = len(PdfReader(str(pdf)).pages)
    return AssetCheckResult(
        passed=pages > 0,
        severity=AssetCheckSeverity.WARN,
        description=f"Rapport imprimé en PDF : {pages} pages.",
        metadata={"fichier": str(pdf), "pages": pages, "taille_ko": round(pdf.stat().st_size / 1024)},
    )


@asset_check(
    asset=KIT,
    name="classeur_analystes_ecrit",
    description=(
        "Le classeur Excel des analystes du kit est écrit (par un processus à part, pendant les étapes "
        "suivantes de la construction) ; sinon, le contrôle dit pourquoi. Donne le nombre de lignes "
        "de chaque table du classeur."
    ),
    # after the other ready steps (the publication included, which waits for the workbook itself):
    # waiting here earlier would leave the build's own core idle
    op_tags={"dagster/priority": "-1"},
)
def classeur_analystes_ecrit(
    context: AssetCheckExecutionContext, settings: PacteSettingsResource
) -> AssetCheckResult:
    from orchestration.assets.rapport import attendre_classeur
    from orchestration.classeur_a_part import ClasseurNonEcrit
    from rapport.production import chemin_classeur

    code = _code(context)
    chemin = chemin_classeur(Path(settings.output_dir) / code, code)
    try:
        processus = attendre_classeur(chemin)  # None: not written by this process (a check run alone)
    except ClasseurNonEcrit as exc:
        return AssetCheckResult(
            passed=False,
            severity=AssetCheckSeverity.ERROR,
            description=str(exc),
            metadata={"fichier": str(chemin)},
        )
    if not code or not chemin.is_file() or _entete(chemin)[:4] != b"PK\x03\x04":
        return AssetCheckResult(
            passed=False,
            severity=AssetCheckSeverity.ERROR,
            description=f"Le classeur des analystes du département {code or '(inconnu)'} est absent ou "
            f"illisible : {chemin}.",
        )
    taille = round(chemin.stat().st_size / 1024)
    metadata = {"fichier": str(chemin), "taille_ko": taille}
    description = f"Classeur des analystes écrit ({taille} ko)."
    if processus is not None:
        lignes = processus.resultat()
        feuilles = sum(1 for n in lignes.values() if n)
        metadata |= {"feuilles": feuilles, "lignes": MetadataValue.json(lignes), **processus.mesures}
        description = f"Classeur des analystes écrit ({taille} ko, {feuilles} feuilles détaillées)."
    return AssetCheckResult(
        passed=True, severity=AssetCheckSeverity.ERROR, description=description, metadata=metadata
    )


def _entete(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(5)


def _marts(con) -> dict[str, int]:
    tables = [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
    ]
    return {name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0] for name in tables}


def marts_retires(con) -> set[str]:
    """The marts the publication leaves out of the copy (one row per respondent)."""
    from orchestration.assets.publication import RESPONDENT_COLUMN

    return {
        name
        for (name,) in con.execute(
            "select distinct table_name from information_schema.columns "
            "where table_schema = 'marts' and column_name = ?",
            [RESPONDENT_COLUMN],
        ).fetchall()
    }


def comparer_marts(entrepot: dict[str, int], copie: dict[str, int], retirees: set[str]) -> list[str]:
    """What differs between the warehouse's marts and the copy's (French, empty when nothing).

    ``retirees``: the marts the publication leaves out on purpose (one row per respondent).

    >>> comparer_marts({"a": 2, "b": 1, "r": 5}, {"a": 2, "b": 0}, {"r"})
    ['« b » : 0 lignes dans la copie, 1 dans l’entrepôt']
    """
    ecarts = []
    for name in sorted(set(entrepot) - set(copie) - retirees):
        ecarts.append(f"« {name} » manque dans la copie")
    for name in sorted(set(copie) - set(entrepot)):
        ecarts.append(f"« {name} » est dans la copie mais plus dans l’entrepôt")
    for name in sorted(set(entrepot) & set(copie)):
        if entrepot[name] != copie[name]:
            ecarts.append(f"« {name} » : {copie[name]} lignes dans la copie, {entrepot[name]} dans l’entrepôt")
    return ecarts


@asset_check(
    asset=COPIE,
    name="copie_lecture_conforme",
    description=(
        "La copie de lecture des analystes s'ouvre en lecture seule et contient les mêmes tables "
        "publiées que l'entrepôt, avec le même nombre de lignes (hors réponses individuelles aux "
        "questionnaires, retirées exprès)."
    ),
)
def copie_lecture_conforme(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> AssetCheckResult:
    import duckdb

    from orchestration.assets.publication import published_copy_path

    copie_path = published_copy_path(Path(warehouse.path))
    if not copie_path.is_file():
        return AssetCheckResult(passed=False, severity=AssetCheckSeverity.ERROR,
                                description=f"Aucune copie de lecture publiée ({copie_path}).")
    try:
        copie = duckdb.connect(str(copie_path), read_only=True)
    except duckdb.Error as exc:
        return AssetCheckResult(passed=False, severity=AssetCheckSeverity.ERROR,
                                description=f"La copie de lecture ne s'ouvre pas en lecture seule : {exc}")
    try:
        marts_copie = _marts(copie)
        try:
            copie.execute("create table marts._essai_ecriture (x integer)")
            ecrit = True
        except duckdb.Error:
            ecrit = False
    finally:
        copie.close()
    with warehouse.connect(read_only=True) as con:
        marts_entrepot = _marts(con)
        retirees = marts_retires(con)
    ecarts = comparer_marts(marts_entrepot, marts_copie, retirees)
    if ecrit:
        ecarts.insert(0, "la copie a accepté une écriture alors qu'elle était ouverte en lecture seule")
    return AssetCheckResult(
        passed=not ecarts,
        severity=AssetCheckSeverity.ERROR,
        description=(
            f"Copie ouverte en lecture seule : {len(marts_copie)} tables publiées, identiques à l'entrepôt."
            if not ecarts
            else "La copie de lecture diffère de l'entrepôt : " + " ; ".join(ecarts[:8])
        ),
        metadata={
            "copie": str(copie_path),
            "tables_publiees": len(marts_copie),
            "lignes": sum(marts_copie.values()),
            "ecarts": MetadataValue.md("\n".join(f"- {e}" for e in ecarts) or "aucun"),
        },
    )


CHECKS = [
    rapport_present_hors_ligne,
    rapport_imprime_en_pdf,
    classeur_analystes_ecrit,
    copie_lecture_conforme,
]
