"""The raw tables of the documents stage and how rows are replaced per département.

Extraction results are keyed by the file's SHA-256 (``raw.documents_extractions``,
``raw.documents_pages``) so that an unchanged file is never read again, whatever the
département; analysis results (passages, mentions…) are keyed by département and
document and replaced when the file or the analysis rules change.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from ingest.paresseux import module_paresseux
from ingest.warehouse import LOADS_TABLE, QUARANTINE_TABLE, ensure_schemas

pd = module_paresseux("pandas")

__all__ = ["TABLES", "META_COLUMNS", "ensure_tables", "insert_frame", "now"]

META_COLUMNS = """,
    _source_file varchar, _checksum varchar, _vintage varchar, _mode varchar, _stale boolean,
    _loaded_at timestamp"""

TABLES: dict[str, str] = {
    "documents_extractions": """
        checksum varchar, categorie varchar, format varchar, unite_page varchar, titre varchar,
        auteur varchar, auteur_source varchar, date_document varchar, date_source varchar,
        nb_pages integer, nb_caracteres bigint, taille_octets bigint, duree_lecture_s double,
        lu_le timestamp""",
    "documents_pages": """
        checksum varchar, page integer, intitule_section varchar, texte varchar, ocr boolean,
        confiance_ocr double""",
    "documents_fichiers": """
        code_departement varchar, id_document varchar, categorie varchar, checksum varchar,
        chemin varchar, nom_fichier varchar, dossier_source varchar, origine_dossier varchar,
        format varchar, taille_octets bigint, titre varchar, type_document varchar, regle_type varchar,
        date_document varchar, date_source varchar, auteur varchar, auteur_source varchar,
        unite_page varchar, nb_pages integer, nb_caracteres bigint, nb_passages integer,
        nb_mentions integer, titre_manifeste varchar, editeur_manifeste varchar, date_manifeste varchar,
        version_analyse varchar, analyse_le timestamp""",
    "documents_passages": """
        code_departement varchar, id_document varchar, id_passage varchar, page integer,
        numero integer, debut integer, fin integer, texte varchar, est_citation boolean,
        intitule_section varchar, code_axe varchar, code_domaine varchar, score double,
        termes varchar, ocr boolean, confiance_ocr double""",
    "documents_mentions": """
        code_departement varchar, id_document varchar, id_passage varchar, id_mention varchar,
        page integer, type_entite varchar, code_entite varchar, libelle_entite varchar,
        texte_trouve varchar, debut integer, fin integer, niveau_territoire varchar,
        categorie_acteur varchar, annee integer, objet_type varchar, objet_code varchar,
        objet_libelle varchar""",
    "documents_entretiens": """
        code_departement varchar, id_document varchar, acteur varchar, role varchar,
        date_entretien varchar, territoire varchar, niveau_territoire varchar,
        code_territoire varchar, personnes varchar[], cles_ignorees varchar[]""",
    "questionnaires_fichiers": """
        code_departement varchar, id_questionnaire varchar, fichier varchar, checksum varchar,
        correspondance varchar, nb_lignes integer, nb_reponses integer, nb_rejets integer,
        colonnes_ignorees varchar[]""",
    "questionnaires_reponses": """
        code_departement varchar, id_questionnaire varchar, fichier varchar, ligne integer,
        id_repondant varchar, dispositif_reponse varchar, code_dispositif varchar, code_axe varchar,
        code_domaine varchar, territoire_reponse varchar, niveau_territoire varchar,
        code_territoire varchar, libelle_territoire varchar, connaissance boolean,
        utilisation boolean, satisfaction_reponse varchar, satisfait boolean,
        note_satisfaction double, raisons_non_recours varchar[], texte_libre varchar""",
    "documents_rejets": """
        code_departement varchar, categorie varchar, table_name varchar, source_file varchar,
        line integer, field varchar, reason varchar, content varchar, loaded_at timestamp""",
}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schemas, the quarantine and every raw table of this stage if missing."""
    ensure_schemas(con)
    for name, columns in TABLES.items():
        meta = "" if name == "documents_rejets" else META_COLUMNS
        con.execute(f"create table if not exists raw.{name} ({columns}{meta})")
    # columns added since (issue 14): a warehouse built before gets them, empty until re-read
    for name in ("documents_pages", "documents_passages"):
        con.execute(f"alter table raw.{name} add column if not exists ocr boolean")
        con.execute(f"alter table raw.{name} add column if not exists confiance_ocr double")


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Append a frame to ``raw.<table>`` matching columns by name; returns the row count."""
    if frame is None or not len(frame):
        return 0
    con.register("_documents_incoming", frame)
    try:
        con.execute(f"insert into raw.{table} by name select * from _documents_incoming")
    finally:
        con.unregister("_documents_incoming")
    return len(frame)


def log_load(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: str,
    checksum: str,
    rows: int,
    quarantined: int,
    message: str,
    loaded_at: dt.datetime,
) -> None:
    """One line of ``raw._chargements``."""
    con.execute(
        f"insert into {LOADS_TABLE} (table_name, source_file, checksum, vintage, mode, stale, message, "
        "rows_loaded, rows_quarantined, loaded_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [table, source, checksum, "boîte de dépôt", "inbox", False, message, rows, quarantined, loaded_at],
    )


def mirror_quarantine(con: duckdb.DuckDBPyConnection, departement: str, rejets: pd.DataFrame) -> None:
    """Replace this département's rows of ``raw.documents_rejets`` and mirror them into
    ``quarantine.rejets`` (the project-wide quarantine)."""
    tables = ["documents_fichiers", "documents_entretiens", "questionnaires_reponses"]
    con.execute(
        f"""delete from {QUARANTINE_TABLE} where table_name in (select unnest(?::varchar[]))
            and source_file in (select source_file from raw.documents_rejets where code_departement = ?)""",
        [tables, departement],
    )
    con.execute("delete from raw.documents_rejets where code_departement = ?", [departement])
    if len(rejets):
        insert_frame(con, "documents_rejets", rejets)
        con.execute(
            f"""insert into {QUARANTINE_TABLE}
                select table_name, source_file, line, field, reason, content, loaded_at
                from raw.documents_rejets where code_departement = ?""",
            [departement],
        )
