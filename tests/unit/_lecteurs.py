"""What the reader tests (tests/unit/test_readers_*.py) share: the fixture folder, the quarantine of
a result as (file, line, field), the one row of a frame matching some column values, the public
columns of a frame, and a fixture read with its quarantine checked."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "besoins"


def rejects(result) -> list[tuple[str, int, str]]:
    """The quarantine rows of a reader's result as (file name, line, field), in their order."""
    return [(Path(q.source_file).name, q.line, q.field) for q in result.quarantine]


def one(frame, **where) -> dict:
    """The single row of ``frame`` whose columns have the given values (fails unless exactly one)."""
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, f"{where}: {len(rows)} rows"
    return rows.iloc[0].to_dict()


def public_columns(frame) -> list[str]:
    """The columns of a reader's frame without the bookkeeping ones (``_line``, ``_secret``…)."""
    return [c for c in frame.columns if not c.startswith("_")]


def read_fixture(reader, rejected: dict[str, list[tuple]], table: str | None = None, folder: Path = FIXTURES):
    """``reader`` run on the fixture folder, after checking its quarantine and, if given, its table.

    ``rejected`` maps each file name to its quarantined rows in order, as (line, field) or
    (line, field, reason); the whole quarantine must be exactly these rows.
    """
    result = reader(folder)
    if table is not None:
        assert result.table_name == table
    actual = [(Path(q.source_file).name, q.line, q.field, q.reason) for q in result.quarantine]
    expected = [(name, *row) for name, rows in rejected.items() for row in rows]
    assert [a[: len(e)] for a, e in zip(actual, expected, strict=False)] + actual[len(expected) :] == expected
    return result
