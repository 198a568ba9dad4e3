"""Where the files of a département are.

Layout of the inbox (``PACTE_INBOX``, one folder per département code)::

    <inbox>/<code>/documents/        PDF, DOCX, ODT, HTML, Markdown, text
    <inbox>/<code>/entretiens/       interview notes, Markdown with front matter
    <inbox>/<code>/questionnaires/   CSV exports + mapping.yml (or mapping.csv)
    <inbox>/<code>/sources.yml       optional: more document folders

Document folders, in order of precedence:

1. ``PACTE_DOCUMENTS_<code>`` (e.g. ``PACTE_DOCUMENTS_93``): one or more folders separated
   by ``:`` (``os.pathsep``); when set, only these are read;
2. otherwise ``<inbox>/<code>/documents/`` when it exists, plus the folders listed under
   ``documents:`` in ``<inbox>/<code>/sources.yml`` or ``<inbox>/<code>/documents/sources.yml``
   (relative paths are relative to the folder holding the ``sources.yml``);
3. otherwise, for the départements of :data:`DEFAULT_DOCUMENT_FOLDERS` (93), the real
   documents of the snapshot: ``PACTE_DATA_DIR/../documents``.

Files skipped everywhere: hidden files, editor lock files and the folder's own notes
(``manifest.csv``, ``PROVENANCE.md``, ``README.md``, ``sources.yml``, ``mapping.yml``).
A ``manifest.csv`` (columns ``path``, ``title``, ``publisher``, ``document_date``…) is read
as optional metadata only.
"""

from __future__ import annotations

import csv
import fnmatch
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingest.core import unsafe_path

__all__ = [
    "DEFAULT_DOCUMENT_FOLDERS",
    "NOTE_FILES",
    "SourceFile",
    "Sources",
    "SourcesError",
    "resolve_sources",
    "env_variable",
    "read_manifest",
    "watched_departements",
    "inbox_fingerprint",
]

DEFAULT_DOCUMENT_FOLDERS: dict[str, str] = {"93": "documents"}  # relative to PACTE_DATA_DIR/..
NOTE_FILES = {
    "manifest.csv",
    "provenance.md",
    "readme.md",
    "lisezmoi.md",
    "sources.yml",
    "sources.yaml",
    "mapping.yml",
    "mapping.yaml",
    "mapping.csv",
}


class SourcesError(ValueError):
    """A configuration file that cannot be read (the message names it)."""


@dataclass(frozen=True)
class SourceFile:
    """One file to ingest: its path, its category and the folder it was found in."""

    path: Path
    categorie: str  # document | entretien | questionnaire
    dossier: Path

    @property
    def relative(self) -> str:
        return str(self.path.relative_to(self.dossier))


@dataclass
class Sources:
    departement: str
    document_folders: list[tuple[Path, str]] = field(default_factory=list)
    interview_folder: Path | None = None
    questionnaire_folder: Path | None = None
    files: list[SourceFile] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    exclude_patterns: list[str] = field(default_factory=list)
    inbox_folder: Path | None = None
    refused: list[tuple[SourceFile, str]] = field(default_factory=list)  # symlinks, paths outside

    def of(self, categorie: str) -> list[SourceFile]:
        return [f for f in self.files if f.categorie == categorie]

    def describe(self) -> str:
        """French summary of the folders read (for the asset metadata)."""
        lines = [f"- documents : {folder} ({origin})" for folder, origin in self.document_folders] or [
            "- documents : aucun dossier"
        ]
        lines.append(f"- entretiens : {self.interview_folder or 'aucun dossier'}")
        lines.append(f"- questionnaires : {self.questionnaire_folder or 'aucun dossier'}")
        return "\n".join(lines)


def env_variable(departement: str) -> str:
    """Name of the variable pointing a département's documents elsewhere (``PACTE_DOCUMENTS_2A``)."""
    return f"PACTE_DOCUMENTS_{departement.upper()}"


def _sources_yml(path: Path) -> tuple[list[Path], list[str]]:
    if path.is_symlink():
        raise SourcesError(
            f"{path}: lien symbolique refusé (le fichier de configuration doit être un vrai fichier)"
        )
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot read the YAML ({exc})") from exc
    if not isinstance(content, dict):
        raise SourcesError(f"{path}: expected a mapping with a 'documents' list")
    folders = content.get("documents") or []
    if isinstance(folders, str):
        folders = [folders]
    if not isinstance(folders, list):
        raise SourcesError(f"{path}: field 'documents' must be a list of folders")
    excluded = content.get("exclure") or content.get("exclude") or []
    if isinstance(excluded, str):
        excluded = [excluded]
    return [(path.parent / str(f)).resolve() for f in folders], [str(e) for e in excluded]


def _skip(path: Path, patterns: list[str]) -> bool:
    name = path.name
    if (
        name.startswith((".", "~$", ".~lock"))
        or name.lower() in NOTE_FILES
        or name.lower().endswith((".mapping.yml", ".mapping.yaml"))
    ):
        return True
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(str(path), p) for p in patterns)


def _walk(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Regular files under ``folder`` and the entries refused with their reason: symbolic links
    (to a file or a folder, never followed) and anything resolving outside ``folder``."""
    files: list[Path] = []
    refused: list[tuple[Path, str]] = []
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        reason = unsafe_path(path, folder)
        if reason:
            refused.append((path, reason))
        elif path.is_file():
            files.append(path)
    return files, refused


def resolve_sources(
    departement: str, inbox_dir: Path, data_dir: Path, environ: Mapping[str, str] | None = None
) -> Sources:
    """Find the folders and files of a (validated) département; ``environ`` holds the inbox's
    variables (``PACTE_DOCUMENTS_<code>``, from :func:`socle.settings.environment`)."""
    environ = {} if environ is None else environ
    inbox = Path(inbox_dir) / departement
    sources = Sources(departement, inbox_folder=inbox)
    patterns: list[str] = []
    configured = environ.get(env_variable(departement), "").strip()
    if configured:
        for raw in configured.split(os.pathsep):
            if raw.strip():
                folder = Path(raw.strip())
                folder = folder if folder.is_absolute() else (inbox / folder)
                sources.document_folders.append((folder.resolve(), f"variable {env_variable(departement)}"))
    else:
        if (inbox / "documents").is_dir():
            sources.document_folders.append(((inbox / "documents").resolve(), "boîte de dépôt"))
        for yml in (inbox / "sources.yml", inbox / "documents" / "sources.yml"):
            if yml.exists():
                folders, excluded = _sources_yml(yml)
                patterns.extend(excluded)
                sources.document_folders.extend((f, f"déclaré dans {yml}") for f in folders)
        default = DEFAULT_DOCUMENT_FOLDERS.get(departement)
        if not sources.document_folders and default:
            folder = (Path(data_dir).parent / default).resolve()
            if folder.is_dir():
                sources.document_folders.append(
                    (folder, f"dossier par défaut du département (PACTE_DATA_DIR/../{default})")
                )
    sources.exclude_patterns = patterns
    seen: set[Path] = set()
    for folder, origin in sources.document_folders:
        if not folder.is_dir():
            sources.notes.append(f"dossier de documents introuvable : {folder} ({origin})")
            continue
        files, refused = _walk(folder)
        sources.refused += [(SourceFile(p, "document", folder), r) for p, r in refused if p not in seen]
        seen.update(p for p, _ in refused)
        for path in files:
            if path in seen:
                continue
            seen.add(path)
            if _skip(path, patterns):
                sources.excluded.append(str(path))
                continue
            sources.files.append(SourceFile(path, "document", folder))
    for sub, categorie in (("entretiens", "entretien"), ("questionnaires", "questionnaire")):
        folder = inbox / sub
        if not folder.is_dir():
            continue
        if categorie == "entretien":
            sources.interview_folder = folder.resolve()
        else:
            sources.questionnaire_folder = folder.resolve()
        files, refused = _walk(folder.resolve())
        sources.refused += [(SourceFile(p, categorie, folder.resolve()), r) for p, r in refused]
        for path in files:
            if _skip(path, patterns):
                continue
            sources.files.append(SourceFile(path, categorie, folder.resolve()))
    return sources


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """``manifest.csv`` of a folder (relative path → its row), empty when absent or unreadable.

    The manifest is optional metadata (title, publisher, date given by whoever collected
    the files); it is stored beside the document and never decides its kind.
    """
    path = Path(folder) / "manifest.csv"
    if not path.exists() or path.is_symlink():
        return {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    return {row.get("path", "").strip(): row for row in rows if row.get("path")}


def watched_departements(
    inbox_dir: Path, known: set[str], environ: Mapping[str, str] | None = None
) -> list[str]:
    """Départements to watch: inbox sub-folders named after a known code, plus those with a
    ``PACTE_DOCUMENTS_<code>`` variable (in ``environ``, see :func:`resolve_sources`)."""
    environ = {} if environ is None else environ
    codes: set[str] = set()
    inbox = Path(inbox_dir)
    if inbox.is_dir():
        codes |= {p.name for p in inbox.iterdir() if p.is_dir() and p.name in known}
    prefix = "PACTE_DOCUMENTS_"
    codes |= {
        name[len(prefix) :]
        for name, value in environ.items()
        if name.startswith(prefix) and value.strip() and name[len(prefix) :] in known
    }
    return sorted(codes)


def inbox_fingerprint(sources: Sources, size_limit: int) -> str:
    """SHA-256 over the files of a département (path and content checksum) and its configuration
    files; files above the size limit (never read) count by size and modification time."""
    import hashlib

    from ingest.core import file_checksum

    digest = hashlib.sha256()
    paths = [f.path for f in sources.files]
    configs: list[Path] = []
    if sources.inbox_folder:
        configs.append(sources.inbox_folder / "sources.yml")
    if sources.questionnaire_folder:
        configs += [sources.questionnaire_folder / n for n in ("mapping.yml", "mapping.yaml", "mapping.csv")]
    for folder, _ in sources.document_folders:
        configs += [folder / "sources.yml", folder / "manifest.csv"]
    for path in sorted(set(paths + [c for c in configs if c.exists()])):
        try:
            stat = path.stat()
        except OSError:
            continue
        mark = f"{stat.st_size}:{stat.st_mtime_ns}" if stat.st_size > size_limit else file_checksum(path)
        digest.update(f"{path}\0{mark}\n".encode())
    return digest.hexdigest()
