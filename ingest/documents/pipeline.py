"""Ingest the documents, interviews and questionnaires of one département.

Steps, for :func:`ingest_departement`:

1. find the folders and files (:mod:`sources`);
2. for each document or interview: check the size *before* reading (empty or larger
   than the limit → quarantine), compute its SHA-256, and
   - skip it when this département already holds its facts for the same checksum and
     the same analysis version (rules, seeds, territories, salt);
   - re-analyse it from the stored text when the text is known but the rules changed;
   - otherwise read it (:mod:`extraction`, or :mod:`entretiens` with pseudonymisation);
3. cut passages, classify them, find mentions and progress statements (:mod:`analyse`);
4. read every questionnaire with its column mapping (pseudonymised on the way);
5. in one transaction: replace this département's facts of changed, new and removed
   files, keep the others, write the quarantine, drop texts no longer referenced.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ingest.core import QuarantineRow, file_checksum
from ingest.documents import stockage
from ingest.documents.analyse import classify_kind
from ingest.documents.entretiens import Entretien, read_interview
from ingest.documents.etapes import (
    Analysed,
    analyse_file,
    extraction_row,
    human_size,
    meta,
    reject,
    stored_extraction,
    unread_stored_pages,
    version_parts,
    warn_unread,
)
from ingest.documents.extraction import (
    SUPPORTED_FORMATS,
    TESSERACT,
    DocumentRejete,
    extract,
)
from ingest.documents.extraction_pdf import ocr_unavailable, unread_pages_reason
from ingest.documents.lexiques import load_lexicon
from ingest.documents.metadonnees import protect_document
from ingest.documents.pseudonymisation import Pseudonymiser, load_salt, salt_fingerprint
from ingest.documents.questionnaires import MappingError, read_mapping, read_questionnaire
from ingest.documents.sources import Sources, SourcesError, read_manifest, resolve_sources
from ingest.documents.territoires import territory_entries
from ingest.livraison import LivraisonRefusee, inbox_refusal

__all__ = [
    "ANALYSIS_VERSION",
    "SIZE_LIMIT_ENV",
    "DEFAULT_SIZE_LIMIT_MB",
    "IngestReport",
    "ingest_departement",
    "size_limit_bytes",
]

ANALYSIS_VERSION = "documents-8"
SIZE_LIMIT_ENV = "PACTE_DOCUMENTS_TAILLE_MAX_MO"
DEFAULT_SIZE_LIMIT_MB = 50.0


@dataclass
class IngestReport:
    """What one run did (counts are for this département)."""

    departement: str
    sources: Sources | None = None
    version: str = ""
    nouveaux: int = 0
    relus_du_texte: int = 0
    inchanges: int = 0
    supprimes: int = 0
    rejetes: int = 0
    questionnaires: int = 0
    reponses: int = 0
    documents: int = 0
    passages: int = 0
    mentions: dict[str, int] = field(default_factory=dict)
    duree_s: float = 0.0
    rejets: list[tuple[str, str]] = field(default_factory=list)
    # the names declared to the pseudonymiser by the files read in this run (interviews' headers,
    # questionnaires' identifying columns): in memory only, never written, for the blocking check
    noms_declares: set[str] = field(default_factory=set, repr=False)

    def as_metadata(self) -> dict[str, object]:
        return {
            "documents_et_entretiens": self.documents,
            "nouveaux_ou_modifies": self.nouveaux,
            "reanalyses_depuis_le_texte": self.relus_du_texte,
            "inchanges_non_relus": self.inchanges,
            "retires": self.supprimes,
            "fichiers_en_quarantaine": self.rejetes,
            "questionnaires": self.questionnaires,
            "reponses_questionnaires": self.reponses,
            "passages": self.passages,
            **{f"mentions_{k}": v for k, v in sorted(self.mentions.items())},
            "duree_s": round(self.duree_s, 2),
            "version_analyse": self.version,
        }


def size_limit_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The size limit in bytes (``PACTE_DOCUMENTS_TAILLE_MAX_MO`` in ``environ``, default 50 MB)."""
    environ = {} if environ is None else environ
    raw = (environ.get(SIZE_LIMIT_ENV) or "").strip().replace(",", ".")
    megabytes = float(raw) if raw else DEFAULT_SIZE_LIMIT_MB
    if megabytes <= 0:
        raise ValueError(f"{SIZE_LIMIT_ENV} must be a positive number of megabytes, not {raw!r}")
    return int(megabytes * 1024 * 1024)


def ingest_departement(
    con: duckdb.DuckDBPyConnection,
    departement: str,
    inbox_dir: Path,
    data_dir: Path,
    environ: Mapping[str, str] | None = None,
    seeds_dir: Path | None = None,
    log=None,
    tesseract: str = TESSERACT,
) -> IngestReport:
    """Ingest the files of one (validated) département into the raw tables; see the module doc.

    ``tesseract`` is the OCR command (a missing one leaves scanned PDF pages unread, each file
    named with its pages in the quarantine)."""
    started = time.perf_counter()
    environ = dict(environ or {})
    log = log or (lambda message: None)
    loaded_at = stockage.now()
    report = IngestReport(departement)
    stockage.ensure_tables(con)
    limit = size_limit_bytes(environ)
    territories = territory_entries(con, Path(data_dir), departement)
    lexicon = load_lexicon(territories, **({"seeds_dir": seeds_dir} if seeds_dir else {}))
    salt = (
        load_salt(Path(inbox_dir))
        if environ.get("PACTE_PSEUDO_SALT") is None
        else environ["PACTE_PSEUDO_SALT"].encode()
    )
    report.version = f"{ANALYSIS_VERSION}:{lexicon.fingerprint}:{salt_fingerprint(salt)}"
    rejets: list[dict[str, object]] = []
    config_error: str | None = None
    try:
        sources = resolve_sources(departement, Path(inbox_dir), Path(data_dir), environ)
    except SourcesError as exc:
        config_error = str(exc)
        sources = Sources(departement)
        rejets.append(
            {
                "code_departement": departement,
                "categorie": "document",
                "table_name": "documents_fichiers",
                "source_file": str(Path(inbox_dir) / departement),
                "line": 0,
                "field": "sources.yml",
                "reason": f"configuration illisible : {exc}",
                "content": "",
                "loaded_at": loaded_at,
            }
        )
    report.sources = sources
    for note in sources.notes:
        log(note)
    existing = {
        row[0]: row
        for row in con.execute(
            "select checksum, id_document, version_analyse, chemin from raw.documents_fichiers "
            "where code_departement = ?",
            [departement],
        ).fetchall()
    }
    # a stored text is reused only when it was pseudonymised by this version with this salt: a
    # better pseudonymisation must start again from the file (the stored text is pseudonymised)
    text_version = version_parts(report.version)
    known_texts = {
        checksum
        for checksum, version in con.execute(
            "select distinct e.checksum, f.version_analyse from raw.documents_extractions e "
            "join raw.documents_fichiers f using (checksum) where e.categorie = 'document'"
        ).fetchall()
        if version_parts(version or "") == text_version
    }
    manifests = {folder: read_manifest(folder) for folder, _ in sources.document_folders}
    kept: set[str] = set()
    moved: list[tuple[str, str, str]] = []
    results: list[Analysed] = []
    seen: dict[str, str] = {}
    base_pseudo = Pseudonymiser(salt)
    for item, reason in sources.refused:  # symbolic links, paths resolving outside their folder
        shown = (
            str(item.path)
            if item.categorie == "document"
            else str(item.dossier / base_pseudo.path(item.relative))
        )
        reject(rejets, departement, item, shown, reason, loaded_at)
    for item in sources.files:
        if item.categorie == "questionnaire":
            continue
        pseudo = Pseudonymiser(salt) if item.categorie == "entretien" else base_pseudo
        shown = (
            str(item.path) if item.categorie == "document" else str(item.dossier / pseudo.path(item.relative))
        )
        if item.path.suffix.lower() not in SUPPORTED_FORMATS or (
            item.categorie == "entretien" and item.path.suffix.lower() not in {".md", ".markdown", ".txt"}
        ):
            accepted = (
                "Markdown (.md)" if item.categorie == "entretien" else "PDF, DOCX, ODT, HTML, Markdown, texte"
            )
            reject(
                rejets,
                departement,
                item,
                shown,
                f"format non pris en charge ({item.path.suffix or 'sans extension'}) : formats acceptés "
                f"{accepted}",
                loaded_at,
            )
            continue
        size = item.path.stat().st_size
        if size > limit:
            reject(
                rejets,
                departement,
                item,
                shown,
                f"fichier trop volumineux : {human_size(size)} > limite de {human_size(limit)} "
                f"({SIZE_LIMIT_ENV}) ; non lu",
                loaded_at,
            )
            continue
        if size == 0:
            reject(rejets, departement, item, shown, "fichier vide (0 octet)", loaded_at)
            continue
        checksum = file_checksum(item.path)
        if checksum in seen:
            reject(
                rejets,
                departement,
                item,
                shown,
                f"même contenu (SHA-256) que {seen[checksum]} : compté une seule fois",
                loaded_at,
            )
            continue
        seen[checksum] = shown
        id_document = f"{departement}-{checksum[:16]}"
        previous = existing.get(checksum)
        unread = unread_stored_pages(con, checksum) if item.path.suffix.lower() == ".pdf" else []
        missing_ocr = ocr_unavailable(tesseract) if unread else None
        if previous is not None and previous[2] == report.version and not (unread and not missing_ocr):
            if unread:  # still no OCR: the unread pages are named again in this run's quarantine
                warn_unread(rejets, departement, item, shown, unread, missing_ocr, loaded_at)
            kept.add(checksum)
            report.inchanges += 1
            if previous[3] != shown:
                moved.append(
                    (shown, item.path.name if item.categorie == "document" else Path(shown).name, checksum)
                )
            continue
        reading = time.perf_counter()
        interview: Entretien | None = None
        try:
            if item.categorie == "entretien":
                interview = read_interview(item.path, pseudo)
                report.noms_declares.update(pseudo.declared_names)
                extraction = interview.extraction
            else:
                reusable = checksum in known_texts and not (unread and not missing_ocr)  # OCR came
                extraction = stored_extraction(con, checksum) if reusable else None
                if extraction is not None:
                    extraction.pages_non_lues = unread
                    if unread:
                        extraction.motif_pages_non_lues = unread_pages_reason(unread, missing_ocr or "")
                    report.relus_du_texte += 1
                else:
                    extraction = extract(item.path, tesseract)
        except DocumentRejete as exc:
            reject(rejets, departement, item, shown, str(exc), loaded_at)
            continue
        except (OSError, MemoryError) as exc:
            reject(rejets, departement, item, shown, f"lecture impossible : {exc}", loaded_at)
            continue
        seconds = time.perf_counter() - reading
        if extraction.pages_non_lues:
            reject(
                rejets, departement, item, shown, extraction.motif_pages_non_lues or "", loaded_at,
                line=extraction.pages_non_lues[0], field_name="pages",
                content=", ".join(str(p) for p in extraction.pages_non_lues),
            )  # fmt: skip
        rewritten = False
        if item.categorie == "document":
            manifest = manifests.get(item.dossier, {}).get(item.relative, {})
            # documents go through the same pseudonymisation as interviews (pages, title, author)
            stated = (extraction.titre, extraction.auteur, extraction.auteur_source)
            rewritten = protect_document(extraction, pseudo, lexicon, publisher=manifest.get("publisher"))
            rewritten = rewritten or stated != (extraction.titre, extraction.auteur, extraction.auteur_source)
        if not (item.categorie == "document" and checksum in known_texts):
            report.nouveaux += 1
        passages, mentions = analyse_file(lexicon, departement, id_document, extraction)
        if item.categorie == "entretien":
            kind, rule = "entretien", "dossier_entretiens"
            manifest = {}
        else:
            kind, rule = classify_kind(lexicon, extraction.titre or "", item.path.name, extraction.pages)
        fichier = {
            "code_departement": departement,
            "id_document": id_document,
            "categorie": item.categorie,
            "checksum": checksum,
            "chemin": shown,
            "nom_fichier": Path(shown).name,
            "dossier_source": str(item.dossier),
            "origine_dossier": next(
                (o for f, o in sources.document_folders if f == item.dossier), "boîte de dépôt"
            ),
            "format": extraction.format,
            "taille_octets": size,
            "titre": extraction.titre,
            "type_document": kind,
            "regle_type": rule,
            "date_document": extraction.date,
            "date_source": extraction.date_source,
            "auteur": extraction.auteur,
            "auteur_source": extraction.auteur_source,
            "unite_page": extraction.unite_page,
            "nb_pages": len(extraction.pages),
            "nb_caracteres": extraction.nb_caracteres,
            "nb_passages": len(passages),
            "nb_mentions": len(mentions),
            "titre_manifeste": pseudo.text(manifest.get("title")) or None,
            "editeur_manifeste": pseudo.text(manifest.get("publisher")) or None,
            "date_manifeste": manifest.get("document_date") or None,
            "version_analyse": report.version,
            "analyse_le": loaded_at,
        }
        entretien_row = None
        if interview is not None:
            niveau = code_territoire = None
            if interview.territoire:
                from ingest.documents.questionnaires import _territory

                niveau, code_territoire, _ = _territory(lexicon, interview.territoire)
            entretien_row = {
                "code_departement": departement,
                "id_document": id_document,
                "acteur": interview.acteur,
                "role": interview.role,
                "date_entretien": interview.date,
                "territoire": interview.territoire,
                "niveau_territoire": niveau,
                "code_territoire": code_territoire,
                "personnes": interview.personnes,
                "cles_ignorees": interview.cles_ignorees,
            }
        fresh = item.categorie == "entretien" or checksum not in known_texts or rewritten
        results.append(
            Analysed(
                fichier,
                extraction_row(checksum, item.categorie, extraction, size, seconds, loaded_at)
                if fresh
                else None,
                extraction.pages if fresh else None,
                passages,
                mentions,
                entretien_row,
            )
        )
        log(f"{shown}: {len(passages)} passages, {len(mentions)} mentions ({kind}, règle {rule})")

    questionnaire_frames: list[pd.DataFrame] = []
    questionnaire_files: list[dict[str, object]] = []
    questionnaire_items = sources.of("questionnaire")
    mappings = {}
    if questionnaire_items:
        try:
            mappings = read_mapping(sources.questionnaire_folder)
        except MappingError as exc:
            for item in questionnaire_items:
                reject(
                    rejets,
                    departement,
                    item,
                    str(item.dossier / "mapping.yml"),
                    f"correspondance des colonnes illisible : {exc}",
                    loaded_at,
                )
            questionnaire_items = []
    for item in questionnaire_items:
        pseudo = Pseudonymiser(salt)
        shown = str(item.dossier / pseudo.path(item.relative))
        if item.path.suffix.lower() not in {".csv", ".txt"}:
            reject(
                rejets,
                departement,
                item,
                shown,
                "format non pris en charge pour un questionnaire : export CSV attendu",
                loaded_at,
            )
            continue
        size = item.path.stat().st_size
        if size > limit or size == 0:
            reason = (
                "fichier vide (0 octet)"
                if size == 0
                else f"fichier trop volumineux : {human_size(size)} > limite de {human_size(limit)} "
                f"({SIZE_LIMIT_ENV})"
            )
            reject(rejets, departement, item, shown, reason, loaded_at)
            continue
        mapping = mappings.get(item.relative) or mappings.get(item.path.name) or mappings.get("*")
        if mapping is None:
            reject(
                rejets,
                departement,
                item,
                shown,
                "aucune correspondance de colonnes (mapping.yml ou mapping.csv) pour ce fichier : non lu, "
                "pour ne rien stocker de personnel",
                loaded_at,
            )
            continue
        checksum = file_checksum(item.path)
        id_questionnaire = f"{departement}-Q{checksum[:12]}"
        try:
            result = read_questionnaire(
                item.path, mapping, lexicon, pseudo, departement, id_questionnaire, shown
            )
        except (UnicodeDecodeError, LookupError, OSError) as exc:
            reject(rejets, departement, item, shown, f"fichier illisible : {exc}", loaded_at)
            continue
        report.noms_declares.update(pseudo.declared_names)
        for q in result.quarantine:
            reject(rejets, departement, item, q.source_file, q.reason, loaded_at, q.line, q.field, q.content)
        questionnaire_frames.append(meta(result.frame, shown, checksum, loaded_at))
        questionnaire_files.append(
            {
                "code_departement": departement,
                "id_questionnaire": id_questionnaire,
                "fichier": shown,
                "checksum": checksum,
                "correspondance": mapping.source,
                "nb_lignes": result.nb_lignes,
                "nb_reponses": len(result.frame),
                "nb_rejets": len(result.quarantine),
                "colonnes_ignorees": [pseudo.text(c) for c in result.colonnes_ignorees],
            }
        )
        report.questionnaires += 1
        report.reponses += len(result.frame)

    report.rejetes = len({r["source_file"] for r in rejets if r["line"] == 0})
    report.rejets = [(str(r["source_file"]), str(r["reason"])) for r in rejets if r["line"] == 0]
    removed = [row[1] for checksum, row in existing.items() if checksum not in kept]
    current_paths = set(seen.values())
    report.supprimes = len(
        [c for c, row in existing.items() if c not in kept and row[3] not in current_paths]
    )

    # delivery gate (ingest.livraison): an unreadable configuration or a vanished folder never
    # empties the département's documents; the tables stay as they are
    introuvables = [note.split(" : ", 1)[1] for note in sources.notes
                    if note.startswith("dossier de documents introuvable")]
    refusal = inbox_refusal(departement, config_error, introuvables, len(removed))
    if refusal:
        raise LivraisonRefusee(refusal)
    con.execute("begin transaction")
    try:
        for table in (
            "documents_passages",
            "documents_mentions",
            "documents_entretiens",
            "documents_fichiers",
        ):
            con.execute(
                f"delete from raw.{table} where code_departement = ? and id_document in "
                f"(select unnest(?::varchar[]))",
                [departement, removed],
            )
        for shown, name, checksum in moved:
            con.execute(
                "update raw.documents_fichiers set chemin = ?, nom_fichier = ?, _source_file = ? "
                "where code_departement = ? and checksum = ?",
                [shown, name, shown, departement, checksum],
            )
        for result in results:
            checksum = result.fichier["checksum"]
            source = result.fichier["chemin"]
            if result.extraction is not None:
                con.execute("delete from raw.documents_extractions where checksum = ?", [checksum])
                con.execute("delete from raw.documents_pages where checksum = ?", [checksum])
                stockage.insert_frame(
                    con,
                    "documents_extractions",
                    meta(pd.DataFrame([result.extraction]), source, checksum, loaded_at),
                )
                pages = pd.DataFrame(
                    [
                        {
                            "checksum": checksum,
                            "page": p.numero,
                            "intitule_section": p.intitule,
                            "texte": p.texte,
                            "ocr": p.ocr,
                            "confiance_ocr": p.confiance_ocr,
                        }
                        for p in result.pages
                    ]
                )
                stockage.insert_frame(con, "documents_pages", meta(pages, source, checksum, loaded_at))
            stockage.insert_frame(
                con, "documents_fichiers", meta(pd.DataFrame([result.fichier]), source, checksum, loaded_at)
            )
            stockage.insert_frame(
                con, "documents_passages", meta(pd.DataFrame(result.passages), source, checksum, loaded_at)
            )
            stockage.insert_frame(
                con, "documents_mentions", meta(pd.DataFrame(result.mentions), source, checksum, loaded_at)
            )
            if result.entretien is not None:
                stockage.insert_frame(
                    con,
                    "documents_entretiens",
                    meta(pd.DataFrame([result.entretien]), source, checksum, loaded_at),
                )
        con.execute("delete from raw.questionnaires_reponses where code_departement = ?", [departement])
        con.execute("delete from raw.questionnaires_fichiers where code_departement = ?", [departement])
        for frame in questionnaire_frames:
            stockage.insert_frame(con, "questionnaires_reponses", frame)
        if questionnaire_files:
            stockage.insert_frame(
                con, "questionnaires_fichiers", meta(pd.DataFrame(questionnaire_files), "", "", loaded_at)
            )
        con.execute(
            "delete from raw.documents_pages where checksum not in "
            "(select checksum from raw.documents_fichiers)"
        )
        con.execute(
            "delete from raw.documents_extractions where checksum not in "
            "(select checksum from raw.documents_fichiers)"
        )
        stockage.mirror_quarantine(
            con,
            departement,
            pd.DataFrame(
                rejets,
                columns=[
                    "code_departement",
                    "categorie",
                    "table_name",
                    "source_file",
                    "line",
                    "field",
                    "reason",
                    "content",
                    "loaded_at",
                ],
            ),
        )
        folders = ";".join(str(f) for f, _ in sources.document_folders)
        digest = hashlib.sha256("".join(sorted(seen)).encode()).hexdigest()
        counts = dict(
            con.execute(
                "select 'documents_fichiers', count(*) from raw.documents_fichiers "
                "where code_departement = ? "
                "union all select 'documents_passages', count(*) from raw.documents_passages "
                "where code_departement = ? "
                "union all select 'documents_mentions', count(*) from raw.documents_mentions "
                "where code_departement = ? union all select 'questionnaires_reponses', count(*) "
                "from raw.questionnaires_reponses where code_departement = ?",
                [departement] * 4,
            ).fetchall()
        )
        for table, rows in counts.items():
            stockage.log_load(
                con,
                table,
                folders,
                digest,
                rows,
                len(rejets),
                f"département {departement} : {report.nouveaux} nouveaux, {report.inchanges} "
                f"inchangés, {report.supprimes} retirés",
                loaded_at,
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    report.documents = counts["documents_fichiers"]
    report.passages = counts["documents_passages"]
    report.mentions = dict(
        con.execute(
            "select type_entite, count(*) from raw.documents_mentions where code_departement = ? group by 1",
            [departement],
        ).fetchall()
    )
    report.duree_s = time.perf_counter() - started
    return report


def quarantine_rows(report: IngestReport) -> list[QuarantineRow]:
    """The file-level rejections of a run as :class:`QuarantineRow` (for logs)."""
    return [QuarantineRow("documents", path, 0, "", reason) for path, reason in report.rejets]
