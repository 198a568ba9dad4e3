"""Whole-file failures of every need-side reader: empty, missing, or without a required column.

Each file of each reader is broken in turn (in a copy of the fixtures): the file yields
one quarantine entry at line 0 naming it, the table keeps its columns, and the other
files of a stacked table still load with their own rejected rows unchanged.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from ingest.warehouse import connect, write_raw
from orchestration.assets.raw_besoins import SOURCES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "besoins"
MODULES = {
    "ingest.filosofi",
    "ingest.recensement",
    "ingest.jeunesse",
    "ingest.caf",
    "ingest.qpv",
    "ingest.france_travail",
    "ingest.anct",
    "ingest.dora",
}
NEED_SOURCES = [s for s in SOURCES if s.reader.__module__ in MODULES]


_BASELINES = {source.table: source.reader(FIXTURES) for source in NEED_SOURCES}


def _files(source) -> list[str]:
    baseline = _BASELINES[source.table]
    return [str(Path(f).relative_to(FIXTURES)) for f in baseline.source.source_file.split(";")]


CASES = [(s, f) for s in NEED_SOURCES for f in _files(s)]
IDS = [f"{s.table}:{Path(f).name}" for s, f in CASES]


def _read_text(path: Path) -> str:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return raw.decode("utf-8-sig")


def _write_text(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)


def _copy(tmp_path: Path, relative: str) -> Path:
    """Copy the fixture folder of ``relative`` (each reader reads one folder)."""
    data = tmp_path / "data"
    folder = Path(relative).parts[0]
    shutil.copytree(FIXTURES / folder, data / folder)
    return data


def _check(source, data: Path, relative: str, reason_start: str) -> None:
    baseline = _BASELINES[source.table]
    result = source.reader(data)
    broken = str(data / relative)
    failures = [q for q in result.quarantine if q.line == 0]
    assert [(q.source_file, q.field) for q in failures] == [(broken, "")]
    assert failures[0].reason.startswith(reason_start), failures[0].reason
    others = [(Path(q.source_file).name, q.line, q.field) for q in result.quarantine if q.line]
    expected = [
        (Path(q.source_file).name, q.line, q.field)
        for q in baseline.quarantine
        if Path(q.source_file).name != Path(relative).name
    ]
    assert others == expected
    assert set(result.frame.columns) == set(baseline.frame.columns)
    assert result.rows < baseline.rows
    if len(baseline.source.source_file.split(";")) == 1:
        assert result.rows == 0


@pytest.mark.parametrize(("source", "relative"), CASES, ids=IDS)
def test_empty_file(tmp_path, source, relative):
    data = _copy(tmp_path, relative)
    _write_text(data / relative, "")
    _check(source, data, relative, "empty file: no header line")


@pytest.mark.parametrize(("source", "relative"), CASES, ids=IDS)
def test_missing_file(tmp_path, source, relative):
    data = _copy(tmp_path, relative)
    (data / relative).unlink()
    _check(source, data, relative, "file not found")


@pytest.mark.parametrize(("source", "relative"), CASES, ids=IDS)
def test_required_column_missing_from_header(tmp_path, source, relative):
    data = _copy(tmp_path, relative)
    text = _read_text(data / relative)
    header, _, body = text.partition("\n")
    cut = min(i for i in (header.find(";"), header.find(",")) if i >= 0)
    first = header[:cut]
    _write_text(data / relative, "RENAMED" + header[cut:] + "\n" + body)
    _check(source, data, relative, f"missing column(s) {first}")


@pytest.mark.parametrize("source", NEED_SOURCES, ids=[s.table for s in NEED_SOURCES])
def test_fixture_loads_into_the_warehouse(tmp_path, source):
    result = _BASELINES[source.table]
    with connect(tmp_path / "w.duckdb") as con:
        meta = write_raw(con, result)
        stored = con.execute(f"select count(*) from raw.{source.table}").fetchone()[0]
        rejected = con.execute(
            "select line, field from quarantine.rejets where table_name = ? order by source_file, line",
            [source.table],
        ).fetchall()
    assert meta["rows"] == stored == result.rows > 0
    assert sorted(rejected) == sorted((q.line, q.field) for q in result.quarantine)
    assert len(rejected) > 0
