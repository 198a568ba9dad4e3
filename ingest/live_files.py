"""Live census tables: the files INSEE publishes on insee.fr, downloaded through pynsee's bounded
HTTP session, streamed to the snapshot's columns and read with the snapshot's own
:class:`~ingest.core.FileSpec` (see :mod:`ingest.live_insee`)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ingest import recensement
from ingest.core import FileSpec, QuarantineRow, ReadResult, SourceInfo, read_csv
from ingest.live_api import dep_of_commune, today
from ingest.live_deadline import LiveSourceError, time_left

__all__ = [
    "PublishedFile",
    "COMPARATEUR_FILE",
    "DOSSIER_COMPLET_FILE",
    "fetch_comparateur_2022",
    "fetch_dossier_complet_2022",
]


# --------------------------------------------------------------------------------------------
# Census: the files INSEE publishes on insee.fr, read with the snapshot's own FileSpec.
# --------------------------------------------------------------------------------------------

INSEE_FILES = "https://www.insee.fr/fr/statistiques/fichier/"
_MB = 1024 * 1024
_CHUNK = 1 << 16


@dataclass(frozen=True)
class PublishedFile:
    """A zip archive INSEE publishes on insee.fr and the CSV member a snapshot table copies.

    ``max_bytes`` bounds the archive: an answer announced or found larger is not the
    expected file (an error page, another product) and is refused before it fills the disk.
    """

    url: str
    member: str
    page: str
    max_bytes: int


# « Base du comparateur de territoires » (page 2521169): one CSV of 32 columns, about 35 000
# communes and arrondissements municipaux, a few MB zipped; the snapshot copies its 93 rows.
COMPARATEUR_FILE = PublishedFile(
    url=f"{INSEE_FILES}2521169/base_cc_comparateur_csv.zip",
    member="base_cc_comparateur.csv",
    page="https://www.insee.fr/fr/statistiques/2521169",
    max_bytes=64 * _MB,
)
# « Dossier complet » (page 5359146): some 1 900 columns by commune, an archive of about
# 200 MB; the snapshot keeps 20 of its columns for the communes of the 93.
DOSSIER_COMPLET_FILE = PublishedFile(
    url=f"{INSEE_FILES}5359146/dossier_complet.zip",
    member="dossier_complet.csv",
    page="https://www.insee.fr/fr/statistiques/5359146",
    max_bytes=512 * _MB,
)


def _download(url: str, target: Path, max_bytes: int) -> str:
    """Stream ``url`` to ``target`` through pynsee's HTTP session; return the SHA-256.

    In a live worker the request is bounded like every pynsee request (timeout within the
    time left, one retry at most), and the transfer stops at the deadline between chunks.
    HTTP errors raise (pynsee's ``raise_if_not_ok``).
    """
    from pynsee.utils.requests_session import PynseeAPISession

    digest = hashlib.sha256()
    size = 0
    with PynseeAPISession() as session:
        response = session.get(url, stream=True)
        try:
            announced = response.headers.get("Content-Length", "")
            if announced.isdigit() and int(announced) > max_bytes:
                raise LiveSourceError(
                    f"{url} annonce {int(announced) / _MB:.0f} Mo, au-delà des {max_bytes / _MB:.0f} Mo "
                    "attendus au plus pour ce fichier"
                )
            with open(target, "wb") as handle:
                for chunk in response.iter_content(chunk_size=_CHUNK):
                    time_left(f"pendant le téléchargement de {url} ({size / _MB:.1f} Mo reçus)")
                    size += len(chunk)
                    if size > max_bytes:
                        raise LiveSourceError(
                            f"{url} dépasse {max_bytes / _MB:.0f} Mo : téléchargement arrêté"
                        )
                    handle.write(chunk)
                    digest.update(chunk)
        finally:
            response.close()
    if size == 0:
        raise LiveSourceError(f"réponse vide de {url}")
    return digest.hexdigest()


def _neighbours(missing: Iterable[str], header: Iterable[str], limit: int = 6) -> list[str]:
    """Columns of ``header`` named like a missing one but for the digits (another vintage).

    Examples
    --------
    >>> _neighbours(["P22_POP", "ETTOT24", "MED21"], ["CODGEO", "P23_POP", "ETTOT25", "MED_SL23"])
    ['P23_POP', 'ETTOT25']
    """
    columns = list(header)
    found: list[str] = []
    for name in missing:
        pattern = re.compile(re.sub(r"\d+", r"\\d+", re.escape(name)) + "$")
        found += [c for c in columns if c != name and pattern.match(c) and c not in found]
    return found[:limit]


@dataclass(frozen=True)
class _Projection:
    path: Path
    columns: int  # columns of the published header
    rejected: list[QuarantineRow]


def _project_member(archive: Path, published: PublishedFile, spec: FileSpec, folder: Path) -> _Projection:
    """Stream the CSV member of ``archive`` into a file holding only ``spec``'s columns.

    Each record keeps its physical line (a blank line replaces a rejected record), so the
    line numbers of the quarantine and of ``_line`` are those of the published file.
    A record with the wrong number of fields is rejected here with the published header's
    count, as :func:`~ingest.core.read_csv` would; cell values are left to ``spec``.
    """
    source = f"{published.url} ({published.member})"
    try:
        bundle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise LiveSourceError(f"la réponse de {published.url} n'est pas une archive zip ({exc})") from None
    with bundle:
        names = [n for n in bundle.namelist() if Path(n).name.lower() == published.member.lower()]
        if not names:
            content = ", ".join(bundle.namelist()[:8]) or "vide"
            raise LiveSourceError(
                f"{published.member} absent de l'archive {published.url} (contenu : {content})"
            )
        target = folder / published.member
        rejected: list[QuarantineRow] = []
        try:
            with (
                io.TextIOWrapper(bundle.open(names[0]), encoding=spec.encoding, newline="") as handle,
                open(target, "w", encoding="utf-8", newline="") as out,
            ):
                reader = csv.reader(handle, delimiter=spec.sep)
                writer = csv.writer(out, delimiter=spec.sep, lineterminator="\n")
                header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
                while header and header[-1] == "":
                    header.pop()
                if not header:
                    raise LiveSourceError(f"{published.member} de {published.url} est vide")
                positions = {name: i for i, name in enumerate(header)}
                wanted = [c.source.strip() for c in spec.columns]
                missing = [
                    c.source.strip()
                    for c in spec.columns
                    if c.source.strip() not in positions and not c.optional
                ]
                if missing:
                    near = _neighbours(missing, [h for h in header if h not in wanted])
                    raise LiveSourceError(
                        f"{published.member} publié sur insee.fr n'a pas {len(missing)} des colonnes de "
                        f"l'instantané ({', '.join(missing[:6])}{'…' if len(missing) > 6 else ''})"
                        + (f" mais {', '.join(near)}" if near else "")
                        + f" : sans doute un autre millésime que celui de la table {spec.table}"
                    )
                kept = [w for w in wanted if w in positions]
                writer.writerow(kept)
                line_no = reader.line_num
                for record in reader:
                    start, line_no = line_no + 1, reader.line_num
                    if start % 2000 == 0:
                        time_left(f"pendant la lecture de {published.member} (ligne {start})")
                    while len(record) > len(header) and record[-1] == "":
                        record = record[:-1]
                    if not record or all(not cell.strip() for cell in record):
                        row: list[str] | None = None
                    elif len(record) != len(header):
                        rejected.append(
                            QuarantineRow(
                                spec.table,
                                source,
                                start,
                                "",
                                f"expected {len(header)} fields, found {len(record)}",
                                spec.sep.join(record)[:500],
                            )
                        )
                        row = None
                    else:
                        row = [record[positions[w]] for w in kept]
                    if row is None:
                        out.write("\n")
                    else:
                        writer.writerow(row)
                    out.write("\n" * (line_no - start))  # a record spread over several lines
        except UnicodeDecodeError as exc:
            raise LiveSourceError(f"{published.member} illisible en {spec.encoding} : {exc}") from None
        except csv.Error as exc:
            raise LiveSourceError(f"{published.member} illisible : {exc}") from None
    return _Projection(target, len(header), rejected)


def _fetch_published(
    published: PublishedFile, spec: FileSpec, message: Callable[[ReadResult, _Projection], str]
) -> ReadResult:
    """Download ``published``, keep ``spec``'s columns and read them with ``spec`` (``mode="live"``)."""
    source = f"{published.url} ({published.member})"
    vintage = f"{spec.vintage} ; {published.member} en ligne sur insee.fr le {today()}"
    with tempfile.TemporaryDirectory(prefix="pacte-live-") as folder:
        archive = Path(folder) / "archive.zip"
        checksum = _download(published.url, archive, published.max_bytes)
        projection = _project_member(archive, published, spec, Path(folder))
        result = read_csv(projection.path, replace(spec, vintage=vintage))
    unreadable = [q for q in result.quarantine if q.line == 0]
    if unreadable:
        raise LiveSourceError(f"{published.member} illisible : {unreadable[0].reason}")
    quarantine = sorted(
        projection.rejected + [replace(q, source_file=source) for q in result.quarantine],
        key=lambda q: q.line,
    )
    result = ReadResult(
        spec.table, result.frame, SourceInfo(source, checksum, vintage, mode="live"), quarantine
    )
    return replace(result, source=replace(result.source, message=message(result, projection)))


def _coverage(result: ReadResult) -> str:
    """« N communes de D départements » for the ``codgeo`` column of a census table."""
    deps = {dep_of_commune(code) for code in result.frame["codgeo"].dropna()}
    return f"{result.rows} communes ou arrondissements de {len(deps)} département(s)"


def fetch_comparateur_2022(data_dir: Path | None = None) -> ReadResult:
    """« Base du comparateur de territoires » as INSEE publishes it (``rp_comparateur_2022``)."""

    def message(result: ReadResult, projection: _Projection) -> str:
        return (
            f"Comparateur de territoires lu en direct sur insee.fr ({COMPARATEUR_FILE.member} : "
            f"{_coverage(result)} ; l'instantané n'a que la Seine-Saint-Denis)."
        )

    return _fetch_published(COMPARATEUR_FILE, recensement.COMPARATEUR_2022, message)


def fetch_dossier_complet_2022(data_dir: Path | None = None) -> ReadResult:
    """The snapshot's 20 columns of INSEE's « Dossier complet » (``rp_dossier_complet_2022``)."""

    def message(result: ReadResult, projection: _Projection) -> str:
        kept = len(recensement.DOSSIER_COMPLET_2022.columns)
        return (
            f"Dossier complet lu en direct sur insee.fr ({DOSSIER_COMPLET_FILE.member} : les {kept} "
            f"colonnes de l'instantané parmi les {projection.columns} du fichier, {_coverage(result)} ; "
            "l'instantané n'a que la Seine-Saint-Denis)."
        )

    return _fetch_published(DOSSIER_COMPLET_FILE, recensement.DOSSIER_COMPLET_2022, message)
