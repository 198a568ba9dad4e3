"""The per-file steps of :func:`ingest.documents.pipeline.ingest_departement`: analysing one
file's pages into rows, the stored text of a file already read, and the quarantine rows of a
refused file."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from ingest.documents.analyse import Mention, analyse_page, terms_json
from ingest.documents.extraction import Extraction, Page
from ingest.documents.extraction_pdf import has_words, unread_pages_reason
from ingest.documents.lexiques import Lexicon
from ingest.documents.passages import split_pages
from ingest.documents.sources import SourceFile

__all__ = [
    "Analysed",
    "analyse_file",
    "extraction_row",
    "human_size",
    "reject",
    "stored_extraction",
    "version_parts",
    "unread_stored_pages",
    "warn_unread",
    "meta",
]

_TABLE_OF = {
    "document": "documents_fichiers",
    "entretien": "documents_entretiens",
    "questionnaire": "questionnaires_reponses",
}


def version_parts(version: str) -> tuple[str, str]:
    """(code version, salt fingerprint) of an analysis version ``code:lexicon:salt``."""
    parts = version.split(":")
    return parts[0], parts[-1]


def meta(frame: pd.DataFrame, source: str, checksum: str, loaded_at) -> pd.DataFrame:
    frame = frame.copy()
    frame["_source_file"] = source
    frame["_checksum"] = checksum
    frame["_vintage"] = "boîte de dépôt"
    frame["_mode"] = "inbox"
    frame["_stale"] = False
    frame["_loaded_at"] = loaded_at
    return frame


@dataclass
class Analysed:
    """Rows produced for one file (written at the end, in one transaction)."""

    fichier: dict[str, object]
    extraction: dict[str, object] | None
    pages: list[Page] | None
    passages: list[dict[str, object]]
    mentions: list[dict[str, object]]
    entretien: dict[str, object] | None = None


def analyse_file(
    lexicon: Lexicon, code: str, id_document: str, extraction: Extraction
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    passages = split_pages(extraction.pages, pdf=extraction.format == "pdf")
    by_page: dict[int, list] = {}
    for passage in passages:
        by_page.setdefault(passage.page, []).append(passage)
    passage_rows: list[dict[str, object]] = []
    mention_rows: list[dict[str, object]] = []
    for page in extraction.pages:
        local = by_page.get(page.numero, [])
        facts = analyse_page(lexicon, page, local)
        for passage in local:
            id_passage = f"{id_document}-p{passage.page:04d}-{passage.numero:03d}"
            classement = facts.classements[passage.numero]
            passage_rows.append(
                {
                    "code_departement": code,
                    "id_document": id_document,
                    "id_passage": id_passage,
                    "page": passage.page,
                    "numero": passage.numero,
                    "debut": passage.debut,
                    "fin": passage.fin,
                    "texte": passage.texte,
                    "est_citation": passage.est_citation,
                    "intitule_section": passage.intitule_section,
                    "ocr": passage.ocr,
                    "confiance_ocr": passage.confiance_ocr,
                    "code_axe": classement.code_axe,
                    "code_domaine": classement.code_domaine,
                    "score": classement.score,
                    "termes": terms_json(classement),
                }
            )
        counters: dict[str, int] = {}
        mention: Mention
        for mention in facts.mentions:
            id_passage = f"{id_document}-p{mention.page:04d}-{mention.passage:03d}"
            counters[id_passage] = counters.get(id_passage, 0) + 1
            mention_rows.append(
                {
                    "code_departement": code,
                    "id_document": id_document,
                    "id_passage": id_passage,
                    "id_mention": f"{id_passage}-m{counters[id_passage]:03d}",
                    "page": mention.page,
                    "type_entite": mention.type_entite,
                    "code_entite": mention.code_entite,
                    "libelle_entite": mention.libelle_entite,
                    "texte_trouve": mention.texte_trouve,
                    "debut": mention.debut,
                    "fin": mention.fin,
                    "niveau_territoire": mention.niveau,
                    "categorie_acteur": mention.categorie,
                    "annee": mention.annee,
                    "objet_type": mention.objet_type,
                    "objet_code": mention.objet_code,
                    "objet_libelle": mention.objet_libelle,
                }
            )
    return passage_rows, mention_rows


def extraction_row(
    checksum: str, categorie: str, extraction: Extraction, size: int, seconds: float, loaded_at
) -> dict[str, object]:
    return {
        "checksum": checksum,
        "categorie": categorie,
        "format": extraction.format,
        "unite_page": extraction.unite_page,
        "titre": extraction.titre,
        "auteur": extraction.auteur,
        "auteur_source": extraction.auteur_source,
        "date_document": extraction.date,
        "date_source": extraction.date_source,
        "nb_pages": len(extraction.pages),
        "nb_caracteres": extraction.nb_caracteres,
        "taille_octets": size,
        "duree_lecture_s": round(seconds, 3),
        "lu_le": loaded_at,
    }


def stored_extraction(con: duckdb.DuckDBPyConnection, checksum: str) -> Extraction | None:
    head = con.execute(
        "select format, unite_page, titre, auteur, auteur_source, date_document, date_source "
        "from raw.documents_extractions where checksum = ? and categorie = 'document' limit 1",
        [checksum],
    ).fetchone()
    if head is None:
        return None
    pages = con.execute(
        "select page, texte, intitule_section, coalesce(ocr, false), confiance_ocr from raw.documents_pages "
        "where checksum = ? order by page",
        [checksum],
    ).fetchall()
    if not pages:
        return None
    extraction = Extraction(
        head[0],
        head[1],
        [Page(p, t or "", s, o, c) for p, t, s, o, c in pages],
        titre=head[2],
        auteur=head[3],
        auteur_source=head[4],
        date=head[5],
        date_source=head[6],
    )
    return extraction


def reject(
    rejets: list[dict[str, object]],
    code: str,
    item: SourceFile,
    shown: str,
    reason: str,
    loaded_at,
    line: int = 0,
    field_name: str = "",
    content: str = "",
) -> None:
    rejets.append(
        {
            "code_departement": code,
            "categorie": item.categorie,
            "table_name": _TABLE_OF[item.categorie],
            "source_file": shown,
            "line": line,
            "field": field_name,
            "reason": reason,
            "content": content,
            "loaded_at": loaded_at,
        }
    )


def unread_stored_pages(con: duckdb.DuckDBPyConnection, checksum: str) -> list[int]:
    """Pages of a stored PDF text that hold no word (scanned pages read without OCR)."""
    rows = con.execute(
        "select page, texte from raw.documents_pages where checksum = ? and not coalesce(ocr, false) "
        "order by page",
        [checksum],
    ).fetchall()
    if not rows or all(not has_words(t or "") for _, t in rows):
        return []
    return [page for page, text in rows if not has_words(text or "")]


def warn_unread(rejets, code, item, shown, pages: list[int], missing: str | None, loaded_at) -> None:
    reject(
        rejets, code, item, shown, unread_pages_reason(pages, missing or ""), loaded_at,
        line=pages[0], field_name="pages", content=", ".join(str(p) for p in pages),
    )  # fmt: skip


def human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")
