"""Store the comité's workbooks (:func:`ingest_suivi`): the rows of files not read before appended to
``raw.suivi_decisions`` / ``raw.reseau_corrections``, the quarantine of that kind replaced (see
:mod:`ingest.suivi`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.core import QuarantineRow
from ingest.documents.pseudonymisation import Pseudonymiser
from ingest.suivi import (
    EXTENSIONS,
    TABLE_CORRECTIONS,
    TABLE_DECISIONS,
    ensure_tables,
    list_workbooks,
    referentiel,
)
from ingest.suivi_lecture import quarantine_table, read_classeur

__all__ = ["SuiviReport", "ingest_suivi"]


# per raw table: the column the workbook's date goes to, then the columns of its rows (after the
# département, version, file, deposit time and author's role every row carries)
_COLONNES: dict[str, tuple[str, list[str]]] = {
    TABLE_DECISIONS: (
        "date_comite",
        [
            "ligne",
            "id_priorite",
            "code_indicateur",
            "libelle_indicateur",
            "valeur_reference",
            "annee_reference",
            "decision",
            "id_pilote",
            "pilote",
            "partenaires",
            "echeance",
            "indicateur_suivi",
            "valeur_depart",
            "date_depart",
            "commentaire",
        ],
    ),
    TABLE_CORRECTIONS: (
        "date_saisie",
        [
            "feuille",
            "ligne",
            "action",
            "id_acteur",
            "nom",
            "type_acteur",
            "code_commune",
            "id_lien",
            "id_source",
            "libelle_source",
            "id_cible",
            "libelle_cible",
            "type_lien",
            "preuve",
            "commentaire",
        ],
    ),
}


def _version(chemin: Path) -> str:
    return hashlib.sha256(Path(chemin).read_bytes()).hexdigest()[:16]


@dataclass
class SuiviReport:
    fichiers: int = 0
    nouveaux: int = 0
    decisions: int = 0
    corrections: int = 0
    rejets: list[QuarantineRow] = field(default_factory=list)


def ingest_suivi(
    con: duckdb.DuckDBPyConnection,
    code: str,
    inbox_dir: Path,
    salt: bytes,
    classeur: str,
    types_acteurs: Mapping[str, str] | None = None,
    maintenant: dt.datetime | None = None,
) -> SuiviReport:
    """Read the workbooks of kind ``classeur`` (``decisions`` or ``reseau``) of ``<inbox>/<code>/suivi/``
    and append the rows of the new ones; replace the quarantine rows of that kind for the département.

    Files of the other kind are left to the other call; a file of no known kind (or not a workbook)
    is reported by the ``decisions`` call. The « acteurs et liens » workbooks (``reseau``) are read
    before dbt's first step, so against the seed files (``avant_dbt`` of
    :func:`ingest.suivi.referentiel`). ``types_acteurs``: actor type code → French label (see
    :func:`ingest.suivi.referentiel`; ``None``: the seed's). ``maintenant``: the load time written
    in ``_loaded_at`` (the caller's clock; tests inject it)."""
    from ingest.warehouse import insert_rows, write_quarantine

    ensure_tables(con)
    ref = referentiel(con, code, types_acteurs, avant_dbt=classeur == "reseau")
    pseudo = Pseudonymiser(salt)
    rapport = SuiviReport()
    charge = maintenant or dt.datetime.now()
    ma_table = quarantine_table(classeur)
    rejets: dict[str, list[QuarantineRow]] = {ma_table: []}
    deja = {
        t: {
            r[0]
            for r in con.execute(
                f"select distinct version from raw.{t} where code_departement = ?", [code]
            ).fetchall()
        }
        for t in (TABLE_DECISIONS, TABLE_CORRECTIONS)
    }
    for chemin in list_workbooks(inbox_dir, code):
        rapport.fichiers += 1
        if chemin.suffix.lower() not in EXTENSIONS:
            if classeur != "decisions":
                continue
            rejets[TABLE_DECISIONS].append(
                QuarantineRow(
                    TABLE_DECISIONS,
                    str(chemin.parent / pseudo.path(chemin.name)),
                    0,
                    "",
                    "format non relu : déposer le classeur .xlsx du kit (décisions, ou acteurs et liens)",
                )
            )
            continue
        lecture = read_classeur(chemin, ref, pseudo)
        if (lecture.classeur or "decisions") != classeur:
            continue
        for q in lecture.rejets:
            rejets[ma_table].append(
                QuarantineRow(ma_table, q.source_file, q.line, q.field, q.reason, q.content)
            )
        if not lecture.entete:
            continue
        version = _version(chemin)
        table = quarantine_table(lecture.classeur)
        if version in deja[table] or not lecture.lignes:
            continue
        rapport.nouveaux += 1
        depose_le = dt.datetime.fromtimestamp(chemin.stat().st_mtime)
        fichier = pseudo.path(chemin.name)
        communs = [
            code,
            version,
            fichier,
            depose_le,
            lecture.entete["auteur_role"],
            lecture.entete["date_saisie"],
        ]
        cible = TABLE_DECISIONS if lecture.classeur == "decisions" else TABLE_CORRECTIONS
        colonne_date, colonnes = _COLONNES[cible]
        lignes = [(*communs, *[x.get(c) for c in colonnes], charge) for x in lecture.lignes]
        insert_rows(
            con,
            f"raw.{cible}",
            lignes,
            columns=[
                "code_departement",
                "version",
                "fichier",
                "depose_le",
                "auteur_role",
                colonne_date,
                *colonnes,
                "_loaded_at",
            ],
        )
        if cible == TABLE_DECISIONS:
            rapport.decisions += len(lignes)
        else:
            rapport.corrections += len(lignes)
        deja[table].add(version)
    for table, lignes in rejets.items():
        write_quarantine(con, table, lignes, code)
        rapport.rejets.extend(lignes)
    return rapport
