"""The shared reader of the national lists: every list is declared once, as data — a
:class:`ListeNationale` (file, columns, how each output column is read) when it gives one structure
per row, a :class:`Liste` (file or files, columns, the function turning a row into output rows)
otherwise — and read by the one function :func:`read_liste`; :func:`lecteur` makes a list's reader
(``data_dir -> ReadResult``) from its declaration. With the small field helpers the declarations use.
The lists themselves are in :mod:`ingest.offre.listes_insertion` and :mod:`ingest.offre.listes_lieux`;
:mod:`ingest.offre.listes_nationales` is their index.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ingest.core import ColumnSpec, FileSpec, ReadResult, SourceInfo, concat_results, read_csv
from ingest.offre._common import (
    STRUCTURE_COLUMNS,
    TEXT,
    RowChecker,
    build_frame,
    check_coordinates,
    clean_text,
    convert_records,
    empty_result,
    implied_reseaux,
    structures_table,
)

RowFunction = Callable[[Mapping[str, Any], RowChecker], Any]


def _text(check: RowChecker, record: Mapping[str, Any], key: str) -> str | None:
    return check.soft(key, clean_text, record.get(key))


def _join(*parts: str | None, separator: str = " ") -> str | None:
    words = [re.sub(r"\s+", " ", p).strip() for p in parts if p and p.strip()]
    return separator.join(words) or None


def _squash(value: str | None) -> str | None:
    return re.sub(r"\s+", " ", value).strip() or None if value else None


def _coordinates(check: RowChecker, record: Mapping[str, Any], lon_key: str, lat_key: str) -> dict[str, Any]:
    lon, lat = check.soft(
        f"{lon_key}/{lat_key}",
        check_coordinates,
        record.get(lon_key),
        record.get(lat_key),
        default=(None, None),
    )
    return {"longitude": lon, "latitude": lat, "coordonnees_corrigees": False}


def _read_list(
    path: Path,
    table: str,
    vintage: str,
    columns: Sequence[str],
    row_function: RowFunction,
    out_columns: Sequence[tuple[str, pa.DataType]],
    extra: Sequence[tuple[str, pa.DataType]] = (),
    sep: str = ",",
    keep_extra_columns: bool = False,
) -> ReadResult:
    """Read a delimited list with the core reader (text cells), then convert each row."""
    spec = FileSpec(
        table=table,
        vintage=vintage,
        sep=sep,
        keep_extra_columns=keep_extra_columns,
        columns=[ColumnSpec(name, name=name) for name in columns],
    )
    raw = read_csv(Path(path), spec)
    records = [
        (
            int(row.pop("_line")),
            {k: _missing_to_none(v) for k, v in row.items() if k not in ("_secret", "_indisponible")},
        )
        for row in raw.frame.to_dict("records")
    ]
    rows, quarantine = convert_records(records, row_function, table, str(path))
    frame = build_frame(rows, out_columns, extra)
    return ReadResult(table, frame, raw.source, sorted([*raw.quarantine, *quarantine], key=lambda q: q.line))


def _missing_to_none(value: Any) -> Any:
    """The core reader's frame gives NaN/NA for empty cells; the row functions expect None."""
    if value is None or isinstance(value, str):
        return value
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


# --------------------------------------------------------------------------- lists of one structure per row

#: Reads one output column of a row: ``(record, checker) -> value``; it may note a soft problem
#: or reject the row through the checker.
Field = Callable[[Mapping[str, Any], RowChecker], Any]


def _required(column: str) -> Field:
    """The cell as text; an empty cell rejects the row."""
    return lambda record, check: check.require(column, record.get(column))


def _plain(column: str) -> Field:
    """The cell as text."""
    return lambda record, check: _text(check, record, column)


def _squashed(column: str) -> Field:
    """The cell as text, runs of white space folded to one space."""
    return lambda record, check: _squash(_text(check, record, column))


def _checked(column: str, convert: Callable[[Any], Any]) -> Field:
    """The cell through ``convert``; a :class:`FieldError` is noted and leaves NULL."""
    return lambda record, check: check.soft(column, convert, record.get(column))


def _upper_required(column: str) -> Field:
    """The cell in upper case; an empty cell rejects the row."""
    return lambda record, check: check.require(column, record.get(column)).upper()


def _joined(*columns: str, separator: str = " ") -> Field:
    """The non-empty cells of ``columns`` joined by ``separator``."""
    return lambda record, check: _join(*(record.get(column) for column in columns), separator=separator)


@dataclass(frozen=True)
class ListeNationale:
    """A list giving one structure per row, read by :func:`read_liste`.

    ``champs`` maps each output column to the :data:`Field` reading it, in the order the row is
    read (so a row's quarantine notes come in that order). ``typologie`` is the list's v0 code,
    or ``None`` when ``champs`` reads it per row; ``reseau`` is the v1 réseau porteur the whole
    list implies, or ``None`` for the one the row's typologie implies (in lower case);
    ``coordonnees`` names the longitude and latitude columns, if the list has any. The columns of
    ``champs`` outside the offer contract follow it in the table, as text unless ``types`` says.
    """

    source: str
    fichier: Path
    millesime: str
    colonnes: Sequence[str]
    champs: Mapping[str, Field]
    types: Mapping[str, pa.DataType] = field(default_factory=dict)
    typologie: str | None = None
    reseau: str | None = None
    coordonnees: tuple[str, str] | None = None

    # what read_liste reads of any list (see Liste)
    sortie = STRUCTURE_COLUMNS
    plusieurs_fichiers = False
    garder_colonnes_en_plus = False

    @property
    def table(self) -> str:
        return structures_table(self.source)

    @property
    def extra(self) -> list[tuple[str, pa.DataType]]:
        """The list's own columns, after those of the contract."""
        contract = {name for name, _ in STRUCTURE_COLUMNS}
        return [(name, self.types.get(name, TEXT)) for name in self.champs if name not in contract]

    def ligne(self, data_dir: Path, path: Path) -> RowFunction:
        """The row function: ``champs`` in order, then the list's typologie, réseaux and coordinates."""
        reseaux_liste = implied_reseaux(data_dir, self.reseau) if self.reseau else None

        def row(record: Mapping[str, Any], check: RowChecker) -> dict[str, Any]:
            out: dict[str, Any] = {"source": self.source}
            out.update({name: read(record, check) for name, read in self.champs.items()})
            if self.typologie:
                out["typologie"] = self.typologie
            out["reseaux_porteurs"] = (
                list(reseaux_liste)
                if reseaux_liste is not None
                else implied_reseaux(data_dir, out["typologie"].lower())
            )
            if self.coordonnees:
                out.update(_coordinates(check, record, *self.coordonnees))
            else:
                out["coordonnees_corrigees"] = False
            return out

        return row


@dataclass(frozen=True)
class Liste:
    """A list whose rows are not one structure each (several per row, a dispositif, several files),
    read by :func:`read_liste` like a :class:`ListeNationale`.

    ``ligne(data_dir, path)`` gives the row function of the file ``path`` (it may return several
    output rows, or none, per row); ``sortie`` is the table's contract and ``extra`` the list's own
    columns after it. With ``plusieurs_fichiers``, ``fichier`` is a glob pattern under the snapshot
    folder and the files it matches are stacked in one table (an empty result, with the reason,
    when none does); ``garder_colonnes_en_plus`` lets files carry columns beyond ``colonnes``.
    """

    table: str
    fichier: Path | str
    millesime: str
    colonnes: Sequence[str]
    ligne: Callable[[Path, Path], RowFunction]
    sortie: Sequence[tuple[str, pa.DataType]] = field(default_factory=lambda: STRUCTURE_COLUMNS)
    extra: Sequence[tuple[str, pa.DataType]] = ()
    plusieurs_fichiers: bool = False
    garder_colonnes_en_plus: bool = False


def read_liste(data_dir: Path, liste: ListeNationale | Liste) -> ReadResult:
    """``raw.<liste.table>`` from the list's file(s) under ``data_dir``."""
    data_dir = Path(data_dir)

    def read(path: Path) -> ReadResult:
        return _read_list(
            path,
            liste.table,
            liste.millesime,
            liste.colonnes,
            liste.ligne(data_dir, path),
            liste.sortie,
            liste.extra,
            keep_extra_columns=liste.garder_colonnes_en_plus,
        )

    if not liste.plusieurs_fichiers:
        return read(data_dir / liste.fichier)
    files = sorted(data_dir.glob(str(liste.fichier)))
    if not files:
        info = SourceInfo(str(data_dir / liste.fichier), "", liste.millesime)
        return empty_result(liste.table, liste.sortie, info, f"no file matches {liste.fichier}", liste.extra)
    results = [read(path) for path in files]
    return results[0] if len(results) == 1 else concat_results(liste.table, results, liste.millesime)


def lecteur(liste: ListeNationale | Liste) -> Callable[[Path], ReadResult]:
    """The reader of a declared list, ``data_dir -> ReadResult`` (what the raw assets call)."""

    def read(data_dir: Path) -> ReadResult:
        return read_liste(data_dir, liste)

    read.__name__ = read.__qualname__ = f"read_{liste.table}"
    read.__doc__ = f"{liste.millesime} → ``raw.{liste.table}``."
    return read


