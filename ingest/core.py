"""Shared machinery of the readers: typed columns, French number parsing, quarantine.

A reader describes a file with a :class:`FileSpec` (separator, columns and their
types) and calls :func:`read_csv`. Each row is checked field by field; a row that
cannot be read goes to the quarantine with the file, the physical line, the field
and the reason, and the rest of the file loads. A file that cannot be read at all
(missing, bad encoding, required column absent) yields an empty table and one
quarantine entry at line 0.

Statistical secrecy markers (``s``, ``nd``, and empty cells where the publisher
uses them for secrecy) become NULL; the names of the columns that carried a marker
are kept per row in ``_secret`` (``s`` or a secret empty cell) and
``_indisponible`` (``nd``, ``ns`` non significatif, ``so`` sans objet), so that
nothing is silently turned into a zero.

A reader that only reads one file of the data folder is declared with
:func:`csv_reader` (the file's path and its spec). Helpers for recurring
layouts: :func:`number_columns` (a run of numeric columns
copied from a header), :func:`with_year` (year-suffixed column names such as
``Q214``), :func:`insert_columns` (constants such as ``niveau`` or values derived
from a code, e.g. the commune of an IRIS) and :func:`concat_results` (one table
stacked from several files).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.paresseux import module_paresseux
from socle.departements import DEPARTEMENT_CODE

pd = module_paresseux("pandas")


__all__ = [
    "ColumnSpec",
    "FileSpec",
    "QuarantineRow",
    "ReadResult",
    "SourceInfo",
    "FieldError",
    "parse_french_number",
    "normalise_commune_code",
    "normalise_departement_code",
    "read_csv",
    "csv_reader",
    "concat_results",
    "insert_columns",
    "number_columns",
    "codgeo_measures",
    "with_year",
    "file_checksum",
    "unsafe_path",
    "detect_encoding",
    "COMMUNE_CODE",
    "DEPARTEMENT_CODE",
]

COMMUNE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
SECRET_MARKERS = {"s", "secret", "c"}
UNAVAILABLE_MARKERS = {"nd", "n.d.", "na", "nan", "null", "-", "ns", "so"}
_SPACES = re.compile(r"[\s\u00a0\u202f]")


class FieldError(ValueError):
    """A value that does not fit its column; the message is the reason."""


@dataclass(frozen=True)
class SourceInfo:
    """Where a table came from: file, checksum, vintage, mode (snapshot or live)."""

    source_file: str
    checksum: str
    vintage: str
    mode: str = "snapshot"
    stale: bool = False
    message: str = ""


@dataclass(frozen=True)
class QuarantineRow:
    """One rejected row (or a whole file when ``line == 0``)."""

    table: str
    source_file: str
    line: int
    field: str
    reason: str
    content: str = ""


@dataclass
class ReadResult:
    """A typed table, its rejected rows and where it came from."""

    table_name: str
    frame: pd.DataFrame
    source: SourceInfo
    quarantine: list[QuarantineRow] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)


def file_checksum(path: Path) -> str:
    """SHA-256 of a file's bytes.

    Examples
    --------
    >>> import tempfile, os
    >>> p = Path(tempfile.mkstemp()[1]); _ = p.write_bytes(b"abc")
    >>> file_checksum(p)[:12]
    'ba7816bf8f01'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_french_number(raw: str | None, empty_is_secret: bool = False) -> tuple[float | None, str | None]:
    """Parse a number written the French way.

    Handles decimal commas, spaces (also non-breaking) as thousands separators and
    the secrecy markers. Returns ``(value, marker)`` where marker is ``None``,
    ``"secret"`` or ``"indisponible"``. Raises :class:`FieldError` on anything else.

    Examples
    --------
    >>> parse_french_number("1 075")
    (1075.0, None)
    >>> parse_french_number("42,0")
    (42.0, None)
    >>> parse_french_number("-16,2")
    (-16.2, None)
    >>> parse_french_number("s")
    (None, 'secret')
    >>> parse_french_number("nd")
    (None, 'indisponible')
    >>> parse_french_number("", empty_is_secret=True)
    (None, 'secret')
    >>> parse_french_number("5.76"), parse_french_number("34990.0902194347")
    ((5.76, None), (34990.0902194347, None))
    >>> parse_french_number("1\u202f075"), parse_french_number("so"), parse_french_number("ns")
    ((1075.0, None), (None, 'indisponible'), (None, 'indisponible'))
    """
    text = "" if raw is None else _SPACES.sub("", str(raw))
    if text == "":
        return None, ("secret" if empty_is_secret else "indisponible")
    lowered = text.lower()
    if lowered in SECRET_MARKERS:
        return None, "secret"
    if lowered in UNAVAILABLE_MARKERS:
        return None, "indisponible"
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError as exc:
        raise FieldError(f"not a number: {raw!r}") from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise FieldError(f"not a finite number: {raw!r}")
    return value, None


def normalise_commune_code(raw: str) -> str:
    """Check an INSEE commune code and return it as text.

    Examples
    --------
    >>> normalise_commune_code(" 2A004 ")
    '2A004'
    >>> normalise_commune_code("97411")
    '97411'
    >>> normalise_commune_code("1001")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: not an INSEE commune code: '1001'
    """
    code = (raw or "").strip().upper()
    if not COMMUNE_CODE.match(code):
        raise FieldError(f"not an INSEE commune code: {raw!r}")
    return code


def normalise_departement_code(raw: str) -> str:
    """Check a département code (``01``…``95``, ``2A``/``2B``, ``971``…``989``).

    Examples
    --------
    >>> normalise_departement_code("974")
    '974'
    >>> normalise_departement_code("2b")
    '2B'
    >>> normalise_departement_code("20")
    Traceback (most recent call last):
    ...
    ingest.core.FieldError: not a département code: '20'
    """
    code = (raw or "").strip().upper()
    if not DEPARTEMENT_CODE.match(code):
        raise FieldError(f"not a département code: {raw!r}")
    return code


Converter = Callable[[str], object]


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a source file.

    kind: ``text`` (kept as is, stripped), ``code`` (text, must match ``pattern``),
    ``commune`` / ``departement`` (INSEE codes), ``number`` (float, French format,
    secrecy markers to NULL), ``integer`` (same, must be whole).

    ``optional``: the column may be absent from the file (e.g. a series whose
    column set changes by year); it is then NULL and listed in ``_indisponible``.
    ``na_values``: source-specific spellings of "not available" (compared after
    stripping), read as NULL and listed in ``_indisponible`` whatever the kind.
    """

    source: str
    name: str | None = None
    kind: str = "text"
    required: bool = False
    pattern: str | None = None
    empty_is_secret: bool = False
    optional: bool = False
    na_values: tuple[str, ...] = ()

    @property
    def target(self) -> str:
        return self.name or self.source.strip().lower()


@dataclass(frozen=True)
class FileSpec:
    """How to read one file: its separator, encoding and columns.

    ``row_check``: a consistency rule across the typed values of a row (e.g. age
    bands that must add up to the total); it returns ``None`` or ``(field, reason)``
    and a failing row goes to the quarantine.

    ``pad_short_rows``: a row with fewer fields than the header is completed with
    empty cells instead of being rejected. Only for files whose trailing empty
    cells are known to have been stripped (the padded cells then follow the
    column's rule for empty cells: secret or unavailable). Longer rows are still
    rejected.
    """

    table: str
    vintage: str
    columns: Sequence[ColumnSpec]
    sep: str = ";"
    encoding: str = "utf-8-sig"
    keep_extra_columns: bool = False
    row_filter: Callable[[dict[str, str]], bool] | None = None
    extra: dict[str, object] = field(default_factory=dict)
    pad_short_rows: bool = False
    row_check: Callable[[dict[str, object]], tuple[str, str] | None] | None = None


def _open_text(path: Path, encoding: str) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding=encoding, newline="")
    return open(path, encoding=encoding, newline="")


def _convert(spec: ColumnSpec, raw: str) -> tuple[object, str | None]:
    value = (raw or "").strip()
    if value and value in spec.na_values:
        return None, "indisponible"
    if spec.kind == "text":
        if spec.required and value == "":
            raise FieldError("empty value in a required column")
        return (value or None), None
    if spec.kind in {"code", "commune", "departement"}:
        if value == "":
            if spec.required:
                raise FieldError("empty code in a required column")
            return None, None
        if spec.kind == "commune":
            return normalise_commune_code(value), None
        if spec.kind == "departement":
            return normalise_departement_code(value), None
        if spec.pattern and not re.fullmatch(spec.pattern, value):
            raise FieldError(f"code {value!r} does not match {spec.pattern}")
        return value, None
    if spec.kind in {"number", "integer"}:
        number, marker = parse_french_number(value, spec.empty_is_secret)
        if number is None and spec.required and marker is None:
            raise FieldError("empty value in a required column")
        if spec.kind == "integer" and number is not None:
            if abs(number - round(number)) > 1e-9:
                raise FieldError(f"not a whole number: {raw!r}")
            number = int(round(number))
        return number, marker
    raise ValueError(f"unknown column kind {spec.kind!r}")


_UTF8 = {"utf-8", "utf-8-sig", "utf8", "utf_8", "utf_8_sig"}
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def detect_encoding(path: Path, declared: str) -> str:
    """The encoding to read ``path`` with: ``declared``, unless it is UTF-8 and the file starts
    with a UTF-16 or UTF-32 byte-order mark (a list re-saved as « Unicode text » by a spreadsheet).

    A byte-order mark is a detection; a single-byte encoding (Windows-1252, Latin-1) is not: it
    would be a guess, so such a file stays unreadable (quarantined at line 0) and the delivery
    gate of :mod:`ingest.livraison` refuses it.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.csv"; _ = p.write_text("a;b", encoding="utf-16")
    >>> detect_encoding(p, "utf-8-sig"), detect_encoding(p, "latin-1")
    ('utf-16', 'latin-1')
    """
    if declared.lower() not in _UTF8:
        return declared
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as handle:
            head = handle.read(4)
    except OSError:
        return declared
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return declared


def _file_failure(spec: FileSpec, path: Path, checksum: str, reason: str) -> ReadResult:
    names = [c.target for c in spec.columns] + ["_line", "_secret", "_indisponible"]
    return ReadResult(
        table_name=spec.table,
        frame=pd.DataFrame({name: pd.Series(dtype="object") for name in names}),
        source=SourceInfo(str(path), checksum, spec.vintage),
        quarantine=[QuarantineRow(spec.table, str(path), 0, "", reason)],
    )


def unsafe_path(path: Path, folder: Path | None = None) -> str | None:
    """Why a file must not be read (French, for the quarantine), or ``None``.

    Refused: a symbolic link (the file itself or a folder between ``folder`` and it) and a path
    resolving outside ``folder`` (default: the file's own folder), so that a link such as
    ``données.csv -> /etc/passwd`` never puts another file's content into the warehouse.
    """
    path = Path(path)
    folder = Path(folder) if folder is not None else path.parent
    try:
        parts = path.relative_to(folder).parts
    except ValueError:
        return f"chemin hors du dossier {folder} : non lu"
    current = folder
    for part in parts:
        current = current / part
        if current.is_symlink():
            what = "le fichier" if current == path else "un dossier de son chemin"
            return f"lien symbolique refusé ({what}) : seuls les fichiers réels du dossier sont lus"
    if not path.resolve().is_relative_to(folder.resolve()):
        return f"chemin hors du dossier {folder} : non lu"
    return None


def read_csv(path: Path, spec: FileSpec) -> ReadResult:
    """Read a delimited file according to ``spec``.

    Returns the typed rows (plus ``_line``, ``_secret``, ``_indisponible``) and the
    rejected ones. Never raises on bad content: the reason goes to the quarantine.
    """
    path = Path(path)
    refused = unsafe_path(path)
    if refused:
        return _file_failure(spec, path, "", refused)
    if not path.exists():
        return _file_failure(spec, path, "", f"file not found: {path}")
    checksum = file_checksum(path)
    encoding = detect_encoding(path, spec.encoding)
    rows: list[dict[str, object]] = []
    rejected: list[QuarantineRow] = []
    try:
        with _open_text(path, encoding) as handle:
            reader = csv.reader(handle, delimiter=spec.sep)
            try:
                header = next(reader)
            except StopIteration:
                return _file_failure(spec, path, checksum, "empty file: no header line")
            header = [h.strip().lstrip("\ufeff") for h in header]
            while header and header[-1] == "":
                header.pop()
            positions = {name: i for i, name in enumerate(header)}
            missing = [
                c.source for c in spec.columns if c.source.strip() not in positions and not c.optional
            ]
            absent = {c.source.strip() for c in spec.columns if c.source.strip() not in positions}
            if missing:
                return _file_failure(
                    spec, path, checksum, f"missing column(s) {', '.join(missing)} in header"
                )
            extra_cols = [h for h in header if h not in {c.source.strip() for c in spec.columns}]
            line_no = reader.line_num
            for record in reader:
                start = line_no + 1
                line_no = reader.line_num
                if not record or all(not cell.strip() for cell in record):
                    continue
                while len(record) > len(header) and record[-1] == "":
                    record = record[:-1]
                if spec.pad_short_rows and 0 < len(record) < len(header):
                    record = record + [""] * (len(header) - len(record))
                if len(record) != len(header):
                    rejected.append(
                        QuarantineRow(
                            spec.table, str(path), start, "",
                            f"expected {len(header)} fields, found {len(record)}",
                            spec.sep.join(record)[:500],
                        )
                    )
                    continue
                cells = dict(zip(header, record, strict=True))
                if spec.row_filter is not None and not spec.row_filter(cells):
                    continue
                out: dict[str, object] = {"_line": start}
                secret: list[str] = []
                unavailable: list[str] = []
                try:
                    for col in spec.columns:
                        if col.source.strip() in absent:
                            out[col.target] = None
                            unavailable.append(col.target)
                            continue
                        try:
                            value, marker = _convert(col, cells[col.source.strip()])
                        except FieldError as exc:
                            raise FieldError(f"{col.source.strip()}: {exc}") from None
                        out[col.target] = value
                        if marker == "secret":
                            secret.append(col.target)
                        elif marker == "indisponible":
                            unavailable.append(col.target)
                except FieldError as exc:
                    field_name, _, reason = str(exc).partition(": ")
                    rejected.append(
                        QuarantineRow(
                            spec.table, str(path), start, field_name, reason,
                            spec.sep.join(record)[:500],
                        )
                    )
                    continue
                if spec.row_check is not None:
                    problem = spec.row_check(out)
                    if problem is not None:
                        rejected.append(
                            QuarantineRow(
                                spec.table, str(path), start, problem[0], problem[1],
                                spec.sep.join(record)[:500],
                            )
                        )
                        continue
                if spec.keep_extra_columns:
                    for name in extra_cols:
                        out[name.lower()] = cells[name].strip() or None
                out["_secret"] = secret
                out["_indisponible"] = unavailable
                rows.append(out)
    except UnicodeDecodeError as exc:
        return _file_failure(spec, path, checksum, f"not readable as {encoding}: {exc}")
    except (csv.Error, OSError, EOFError) as exc:
        return _file_failure(spec, path, checksum, f"unreadable file: {exc}")
    columns = ["_line"] + [c.target for c in spec.columns]
    frame = pd.DataFrame(rows, columns=columns + (
        [n.lower() for n in extra_cols] if spec.keep_extra_columns else []
    ) + ["_secret", "_indisponible"])
    for col in spec.columns:
        if col.kind == "number":
            frame[col.target] = pd.to_numeric(frame[col.target], errors="raise").astype("float64")
        elif col.kind == "integer":
            frame[col.target] = pd.array(frame[col.target], dtype="Int64")
        else:
            frame[col.target] = frame[col.target].astype("object")
    return ReadResult(spec.table, frame, SourceInfo(str(path), checksum, spec.vintage), rejected)


def csv_reader(relative_path: str, spec: FileSpec) -> Callable[[Path], ReadResult]:
    """The reader of one file: ``data_dir / relative_path`` read with ``spec``.

    Declares in one line the readers that only read one file, so the path and the
    spec stand in one place and every such reader shares this single body.

    Examples
    --------
    >>> spec = FileSpec(table="t", vintage="v", columns=[ColumnSpec("a")])
    >>> read_t = csv_reader("dossier/t.csv", spec)
    >>> read_t.__name__, read_t.__doc__
    ('read_t', 'Reads ``dossier/t.csv`` into ``raw.t``.')
    """

    def reader(data_dir: Path) -> ReadResult:
        return read_csv(Path(data_dir) / relative_path, spec)

    reader.__doc__ = f"Reads ``{relative_path}`` into ``raw.{spec.table}``."
    reader.__name__ = reader.__qualname__ = f"read_{spec.table}"
    return reader


def concat_results(table: str, results: Iterable[ReadResult], vintage: str) -> ReadResult:
    """Stack several reads of one table (e.g. one file per year) into one result."""
    results = list(results)
    frames = [r.frame for r in results if len(r.frame)]
    frame = pd.concat(frames, ignore_index=True) if frames else results[0].frame
    checksum = hashlib.sha256("".join(r.source.checksum for r in results).encode()).hexdigest()
    files = ";".join(r.source.source_file for r in results)
    quarantine = [q for r in results for q in r.quarantine]
    return ReadResult(table, frame, SourceInfo(files, checksum, vintage), quarantine)


def number_columns(header: str, sep: str = ";", **options: object) -> list[ColumnSpec]:
    """Numeric :class:`ColumnSpec` for a run of columns copied from a file's header.

    The target names are the source names stripped and lowercased; ``options``
    (``empty_is_secret``, ``kind``, ``optional``...) apply to every column.

    Examples
    --------
    >>> [c.target for c in number_columns("NBMEN19;Q219;EVOL_CA_N_E ")]
    ['nbmen19', 'q219', 'evol_ca_n_e']
    >>> number_columns("A;B", empty_is_secret=True)[0].empty_is_secret
    True
    """
    settings = {"kind": "number", **options}
    return [ColumnSpec(name, **settings) for name in header.split(sep) if name.strip()]


def codgeo_measures(table: str, vintage: str, header: str, kind: str = "commune") -> FileSpec:
    """An INSEE file of one geographic code ``CODGEO`` and a run of numeric columns from its header.

    Examples
    --------
    >>> spec = codgeo_measures("t", "v", "P22_POP;MED21", kind="departement")
    >>> [(c.target, c.kind, c.required) for c in spec.columns]
    [('codgeo', 'departement', True), ('p22_pop', 'number', False), ('med21', 'number', False)]
    """
    return FileSpec(
        table=table,
        vintage=vintage,
        columns=[ColumnSpec("CODGEO", "codgeo", kind=kind, required=True), *number_columns(header)],
    )


def with_year(columns: Sequence[ColumnSpec], year: int) -> list[ColumnSpec]:
    """Columns whose source names carry the year: ``{yy}`` and ``{yyyy}`` are filled in.

    Used for INSEE files that suffix every variable with the year (``Q214`` in
    2014, ``Q218`` in 2018) so that one template reads every year.

    Examples
    --------
    >>> cols = with_year([ColumnSpec("Q2{yy}", "q2", kind="number"), ColumnSpec("RD", "rd")], 2014)
    >>> [(c.source, c.target) for c in cols]
    [('Q214', 'q2'), ('RD', 'rd')]
    """
    fields = {"yy": f"{year % 100:02d}", "yyyy": f"{year:04d}"}
    return [
        ColumnSpec(
            c.source.format(**fields), c.target, c.kind, c.required, c.pattern,
            c.empty_is_secret, c.optional, c.na_values,
        )
        for c in columns
    ]


def insert_columns(
    result: ReadResult,
    values: dict[str, object | Callable[[pd.DataFrame], pd.Series]],
    after: str = "_line",
) -> ReadResult:
    """Insert columns after ``after``: constants (``niveau``) or functions of the frame.

    Returns a new :class:`ReadResult`; the columns keep the order of ``values``.
    Works on an empty frame too (a file that failed), so the table keeps its shape.

    Examples
    --------
    >>> r = ReadResult("t", pd.DataFrame({"_line": [2], "codgeo": ["930660101"]}), SourceInfo("f", "", "v"))
    >>> r = insert_columns(r, {"code_commune": lambda f: f["codgeo"].str[:5]}, after="codgeo")
    >>> r = insert_columns(r, {"niveau": "iris"})
    >>> r.frame.to_dict("records")
    [{'_line': 2, 'niveau': 'iris', 'codgeo': '930660101', 'code_commune': '93066'}]
    """
    frame = result.frame.copy()
    position = list(frame.columns).index(after) + 1
    for offset, (name, value) in enumerate(values.items()):
        if callable(value):
            column = value(frame)
        else:
            dtype = "Int64" if isinstance(value, int) and not isinstance(value, bool) else "object"
            column = pd.Series([value] * len(frame), index=frame.index, dtype=dtype)
        frame.insert(position + offset, name, column)
    return ReadResult(result.table_name, frame, result.source, list(result.quarantine))
