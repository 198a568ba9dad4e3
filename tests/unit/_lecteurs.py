"""What the reader tests (tests/unit/test_readers_*.py) share: the fixture folder, the quarantine of
a result as (file, line, field), and the one row of a frame matching some column values."""

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
