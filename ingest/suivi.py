"""Read back the comité's workbooks dropped in ``<inbox>/<code>/suivi/`` (issue 17).

Reading a workbook is :mod:`ingest.suivi_lecture`, storing its rows :mod:`ingest.suivi_chargement`
(:func:`~ingest.suivi_chargement.ingest_suivi`); this module holds the tables and what a workbook is
checked against (:func:`referentiel`).

Two kinds of workbook, told apart by their sheets (vocabulary of the seeds ``classeur_suivi_*``,
see :mod:`rapport.suivi_classeurs`):

- the **decisions workbook** → ``raw.suivi_decisions``: one row per decision and version (a version
  is one deposited file, named by its SHA-256); dbt builds ``marts.suivi_decisions`` from it;
- the **« acteurs et liens » workbook** → ``raw.reseau_corrections``: one row per added actor,
  added link or link marked wrong, with the author's role and the date; read before dbt's first
  step (so checked against the seed files, see :func:`referentiel`), which makes the view the
  graph reads them from as registry facts (:mod:`graph.comite`).

Both tables are **append-only**: a file already read (same fingerprint) adds nothing, a new file
adds its rows, nothing is ever overwritten or deleted. Every file of the folder is checked at each
run, so ``quarantine.rejets`` (table names ``suivi_decisions`` and ``reseau_corrections``) always
lists what the current files hold that could not be read: sheet, row, column and reason in French.
A bad cell sets its row aside; the rest of the workbook is read. A workbook without its author's
role or date, or whose sheets are not those of a comité workbook, is set aside whole.

No personal data: free text (partenaires, indicateur, commentaire, preuve, names of added actors)
goes through the project's pseudonymisation (:class:`ingest.documents.pseudonymisation.Pseudonymiser`)
and then the independent detector (:func:`ingest.documents.detection.find_personal_data`); a cell the
detector still flags is refused. The author is a role or an organisation, never a person.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.vocabulaires import seed_rows

__all__ = [
    "TABLE_DECISIONS",
    "TABLE_CORRECTIONS",
    "DOSSIER",
    "Referentiel",
    "referentiel",
    "folder_fingerprint",
    "ensure_tables",
    "list_workbooks",
    "slug",
    "cell_text",
    "FEUILLE_LISEZ_MOI",
    "FEUILLE_LISTES",
]

TABLE_DECISIONS = "suivi_decisions"
TABLE_CORRECTIONS = "reseau_corrections"
DOSSIER = "suivi"
# the sheets every comité workbook holds besides its data sheets (written by rapport.suivi_classeurs)
FEUILLE_LISEZ_MOI = "Lisez-moi"
FEUILLE_LISTES = "Listes"
EXTENSIONS = (".xlsx",)

DDL = {
    TABLE_DECISIONS: """
        code_departement varchar, version varchar, fichier varchar, depose_le timestamp,
        auteur_role varchar, date_comite date, ligne integer, id_priorite varchar,
        code_indicateur varchar, libelle_indicateur varchar, valeur_reference double,
        annee_reference integer, decision varchar, id_pilote varchar, pilote varchar,
        partenaires varchar, echeance date, indicateur_suivi varchar, valeur_depart double,
        date_depart date, commentaire varchar, _loaded_at timestamp""",
    TABLE_CORRECTIONS: """
        code_departement varchar, version varchar, fichier varchar, depose_le timestamp,
        auteur_role varchar, date_saisie date, feuille varchar, ligne integer, action varchar,
        id_acteur varchar, nom varchar, type_acteur varchar, code_commune varchar,
        id_lien varchar, id_source varchar, libelle_source varchar, id_cible varchar,
        libelle_cible varchar, type_lien varchar, preuve varchar, commentaire varchar,
        _loaded_at timestamp""",
}


# ------------------------------------------------------------------------------------------ helpers
def slug(texte: str) -> str:
    """ASCII, lower case, words joined by ``_``.

    >>> slug("Épicerie solidaire « Le Panier » – Bobigny")
    'epicerie_solidaire_le_panier_bobigny'
    """
    ascii_ = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_).strip("_")


def cell_text(valeur: object) -> str | None:
    if valeur is None:
        return None
    texte = str(valeur).strip()
    return texte or None


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    for table, ddl in DDL.items():
        con.execute(f"create table if not exists raw.{table} ({ddl})")


def list_workbooks(inbox_dir: Path, code: str) -> list[Path]:
    dossier = Path(inbox_dir) / code / DOSSIER
    if not dossier.is_dir():
        return []
    return sorted(p for p in dossier.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))


def folder_fingerprint(inbox_dir: Path, code: str) -> str:
    """Fingerprint of the files of ``<inbox>/<code>/suivi/`` (names and contents), for the sensor."""
    h = hashlib.sha256()
    for p in list_workbooks(inbox_dir, code):
        h.update(p.name.encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


# ------------------------------------------------------------------------------------ referential
@dataclass
class Referentiel:
    """What a workbook is checked against: vocabulary and actors of the département (whether a decision's
    priority exists is dbt's check, after the priorities are built: marts.suivi_decisions)."""

    code: str
    colonnes: dict[
        str, dict[str, list[tuple[str, str, str]]]
    ]  # classeur → feuille → (colonne, entête, liste)
    listes: dict[str, dict[str, str]]  # list → label → value
    saisie: dict[str, dict[str, str]]  # classeur → label → champ
    acteurs: dict[str, str]  # node key → label (actors and dispositifs of the graph)
    liens: dict[str, tuple[str, str, str]]  # id_lien → (source, cible, type_lien)
    types_acteurs: dict[str, str]  # French label → type code
    communes: dict[str, str]  # label → code
    acteurs_comite: dict[str, str] = field(default_factory=dict)  # name → key, actors added earlier
    # node key → (name, type in words, commune name) of the graph's actors, to see a row changed
    details: dict[str, tuple] = field(default_factory=dict)


# the communes actuelles of the raw COG (ingest.cog), whose names marts.territoires gives its communes
_COMMUNES = "select code_insee, nom, dep from raw.cog_communes where type = 'commune-actuelle'"


def _tables(con) -> set[str]:
    return {
        f"{s}.{n}"
        for s, n in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    }


# the seeds of the workbooks' vocabulary (schema rapport) and the columns read from each
_VOCABULAIRE: dict[str, tuple[str, ...]] = {
    "classeur_suivi_colonnes": ("classeur", "feuille", "ordre", "colonne", "entete", "liste"),
    "classeur_suivi_listes": ("liste", "valeur", "libelle"),
    "classeur_suivi_saisie": ("classeur", "champ", "libelle"),
}


def _vocabulaire(con, seed: str, avant_dbt: bool) -> list[tuple]:
    """The rows of a vocabulary seed: from its file before dbt, else from the table dbt loaded."""
    colonnes = _VOCABULAIRE[seed]
    if avant_dbt:
        return [tuple(r[c] or None for c in colonnes) for r in seed_rows(seed)]
    return con.execute(f"select {', '.join(colonnes)} from rapport.{seed}").fetchall()


def referentiel(
    con: duckdb.DuckDBPyConnection,
    code: str,
    types_acteurs: Mapping[str, str] | None = None,
    *,
    avant_dbt: bool = False,
) -> Referentiel:
    """The referential of département ``code`` from the warehouse (tables absent: empty sets).

    ``avant_dbt``: the caller runs before dbt's first step (the « acteurs et liens » workbooks,
    read before the graph: :mod:`graph.comite`), so the workbooks' vocabulary (seeds
    ``classeur_suivi_*``) and the actor types' labels (seed ``acteurs_types``) come from the seed
    files through :mod:`ingest.vocabulaires`, as a new warehouse does not hold them yet; otherwise
    from the tables dbt loaded. ``types_acteurs``: actor type code → its French label, when the
    caller has it (the graph's vocabulary; this floor does not import the graph); else the seed's.
    The communes' names come from the raw COG (``raw.cog_communes``, loaded before dbt: the names
    of ``marts.territoires``), the actors and links from the last graph built (``marts.acteurs``,
    ``marts.liens``)."""
    presentes = _tables(con)
    colonnes: dict[str, dict[str, list[tuple[str, str, str]]]] = {}
    lignes = _vocabulaire(con, "classeur_suivi_colonnes", avant_dbt)
    for classeur, feuille, _ordre, colonne, entete, liste in sorted(
        lignes, key=lambda r: (r[0], r[1], int(r[2]))
    ):
        colonnes.setdefault(classeur, {}).setdefault(feuille, []).append((colonne, entete, liste or ""))
    listes: dict[str, dict[str, str]] = {}
    for liste, valeur, libelle in _vocabulaire(con, "classeur_suivi_listes", avant_dbt):
        listes.setdefault(liste, {})[libelle] = valeur
    saisie: dict[str, dict[str, str]] = {}
    for classeur, champ, libelle in _vocabulaire(con, "classeur_suivi_saisie", avant_dbt):
        saisie.setdefault(classeur, {})[libelle] = champ
    if types_acteurs is None:
        types_acteurs = (
            {r["type_acteur"]: r["libelle"] for r in seed_rows("acteurs_types")}
            if avant_dbt
            else dict(con.execute("select type_acteur, libelle from marts.acteurs_types").fetchall())
        )
    acteurs: dict[str, str] = {}
    liens: dict[str, tuple[str, str, str]] = {}
    if "marts.acteurs" in presentes:
        acteurs = dict(
            con.execute(
                "select id_noeud, libelle from marts.acteurs where code_departement = ? "
                "and type_noeud in ('acteur', 'dispositif')",
                [code],
            ).fetchall()
        )
    details: dict[str, tuple] = {}
    if "marts.acteurs" in presentes and "raw.cog_communes" in presentes:
        details = {
            r[0]: (r[1], r[2], r[3])
            for r in con.execute(
                # the commune's name as the workbook writes it (rapport.suivi_classeurs.lignes_reseau)
                "select a.id_noeud, a.libelle, a.libelle_type_acteur, c.nom from marts.acteurs a "
                f"left join ({_COMMUNES}) c on c.code_insee = a.code_commune "
                "where a.code_departement = ? and a.type_noeud = 'acteur'",
                [code],
            ).fetchall()
        }
    if "marts.liens" in presentes:
        liens = {
            r[0]: (r[1], r[2], r[3])
            for r in con.execute(
                "select id_lien, source, cible, type_lien from marts.liens where code_departement = ?", [code]
            ).fetchall()
        }
    communes: dict[str, str] = {}
    if "raw.cog_communes" in presentes:
        for cle, libelle in con.execute(
            f"select code_insee, nom from ({_COMMUNES}) where dep = ? order by code_insee", [code]
        ).fetchall():
            communes[str(libelle)] = cle
            communes[f"{libelle} ({cle})"] = cle
    comite: dict[str, str] = {}
    if f"raw.{TABLE_CORRECTIONS}" in presentes:
        comite = dict(
            con.execute(
                f"select nom, id_acteur from raw.{TABLE_CORRECTIONS} where code_departement = ? "
                "and action = 'ajout_acteur'",
                [code],
            ).fetchall()
        )
    return Referentiel(
        code,
        colonnes,
        listes,
        saisie,
        acteurs,
        liens,
        {libelle: type_code for type_code, libelle in types_acteurs.items()},
        communes,
        comite,
        details,
    )


