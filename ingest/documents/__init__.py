"""Documents, interviews and questionnaires turned into sourced facts (issue 4).

Modules
-------
texte            folding (accents, case, ligatures) with an offset map, alias patterns, sentences
extraction       text per page (PDF) or section (DOCX, ODT, HTML, Markdown, text) and metadata
lexiques         the seeds analysts extend: vocabulary, actor and dispositif gazetteers, rules
territoires      the territory gazetteer of a département (communes, EPCI/EPT, QPV)
types_document   the document kind, decided by ordered rules
passages         paragraphs (long ones split into sentences) with page and character offsets
analyse          axis/domain classification, mentions, statements of progress
pseudonymisation salted hashes and regexes applied before anything is written
entretiens       interview notes (Markdown with front matter)
questionnaires   survey exports (CSV) and their column mapping
sources          where a département's files are (inbox, configuration, default)
pipeline         one département: scan, skip known checksums, analyse, write the raw tables
"""

__all__ = ["IngestReport", "ingest_departement"]


def __getattr__(name: str):
    # imported lazily so that ``ingest.documents.texte`` stays light
    if name in __all__:
        from ingest.documents import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
