"""Delivery gate of the sources (ingest.livraison, orchestration.assets._raw), issue 15 point 1.

The trials of the issue on the France Services list (and the FINESS list of ESAT, whose header
has accents), on copies of the real-format fixtures: the file replaced by an HTML page,
truncated at half, re-encoded in UTF-16 and in Windows-1252. Each is now refused with the
source named and the last good load kept, or (UTF-16, detected by its byte-order mark) read
exactly as the original.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, materialize

from ingest.livraison import REFUSED_MARK, check_delivery
from ingest.offre import listes_nationales as ln
from ingest.warehouse import write_raw
from orchestration.assets._raw import max_loss, raw_asset, source_label
from orchestration.assets.raw_offre import SOURCES
from orchestration.progression import sources_perimees
from orchestration.resources import PacteSettingsResource, WarehouseResource
from rapport.contexte import _chargements, _sources
from socle.settings import DBT_PROJECT_DIR

sys.path.insert(0, str(Path(__file__).parent))
from _dbt_sql import creer_tables_rapport  # noqa: E402

SEEDS = Path(DBT_PROJECT_DIR) / "seeds"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "offre" / "data"
TABLE = "offre_structures__france_services"
FS = ln.FRANCE_SERVICES.fichier
HTML = ("<!DOCTYPE html>\n<html lang=\"fr\"><head><title>Page introuvable</title></head>\n"
        "<body><h1>Le fichier demandé a été déplacé</h1></body></html>\n")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    for name in ("france-services", "esat", "data-inclusion-schema"):
        shutil.copytree(FIXTURES / name, folder / name)
    return folder


def _truncate(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")


def _reencode(path: Path, encoding: str) -> None:
    path.write_text(path.read_text(encoding="utf-8"), encoding=encoding)


def _good_load(con, data: Path, reader=ln.read_france_services):
    good = reader(data)
    write_raw(con, good, inputs=str(data))
    return good


@pytest.mark.parametrize("fault, reason", [
    (lambda p: p.write_text(HTML, encoding="utf-8"), "illisible : missing column(s) id_fs"),
    (_truncate, "au dernier chargement réussi (perte de"),
    (lambda p: _reencode(p, "cp1252"), "illisible : not readable as utf-8"),
])
def test_a_broken_france_services_file_is_refused(data, fault, reason):
    con = duckdb.connect()
    good = _good_load(con, data)
    assert good.rows == 6
    fault(data / FS)
    broken = ln.read_france_services(data)
    verdict = check_delivery(con, broken, max_loss(), source_label(TABLE))
    assert not verdict.accepted
    assert reason in verdict.message
    assert verdict.message.startswith("Source « ANCT, France services labellisées, août 2024 » refusée")


def test_esat_in_windows_1252_is_refused(data):
    con = duckdb.connect()
    _good_load(con, data, ln.read_esat)
    _reencode(data / ln.ESAT.fichier, "cp1252")
    verdict = check_delivery(con, ln.read_esat(data), max_loss(), "ESAT")
    assert not verdict.accepted and "not readable as utf-8" in verdict.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_list_with_a_byte_order_mark_is_read_exactly(data, encoding):
    original = ln.read_france_services(data)
    path = data / FS
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding)
                     if encoding != "utf-16-be" else b"\xfe\xff" + path.read_text("utf-8").encode(encoding))
    again = ln.read_france_services(data)
    assert [(q.line, q.field, q.reason) for q in again.quarantine] == [
        (q.line, q.field, q.reason) for q in original.quarantine]
    assert again.frame.equals(original.frame) and again.rows == 6


def test_row_count_out_of_its_documented_range_is_refused():
    """The range of a suite's ``rows`` expectation (ingest.expectations) is the gate's, declared once."""
    import pandas as pd

    from ingest.core import ReadResult, SourceInfo

    result = ReadResult("cog_regions", pd.DataFrame({"reg": ["11"] * 5}), SourceInfo("r.csv", "x", "v"))
    verdict = check_delivery(duckdb.connect(), result, 0.2, "COG régions")
    assert verdict.reasons == ["5 lignes, entre 18 et 30 attendues"]


def _materialize(data: Path, warehouse: Path, stale: bool = False):
    source = next(s for s in SOURCES if s.table == TABLE)
    resources = {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "settings": PacteSettingsResource(data_dir=str(data), output_dir=str(warehouse.parent / "out"),
                                          inbox_dir=str(warehouse.parent / "inbox"), stale_sources=stale),
    }
    with DagsterInstance.ephemeral() as instance:
        return materialize([raw_asset(source)], resources=resources, instance=instance, raise_on_error=False)


def _table(warehouse: Path):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(f"select * exclude (_loaded_at, _stale) from raw.{TABLE} order by id").fetchall()
        stale = con.execute(f"select bool_or(_stale) from raw.{TABLE}").fetchone()[0]
        last = con.execute("select stale, message from raw._chargements where table_name = ? "
                           "order by loaded_at desc limit 1", [TABLE]).fetchone()
        return rows, stale, last
    finally:
        con.close()


def test_the_raw_asset_keeps_the_last_good_load_and_fails_naming_the_source(data, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:  # the last good load, as the raw asset writes it
        _good_load(con, data)
    before, stale, _ = _table(warehouse)
    assert len(before) == 6 and not stale

    _truncate(data / FS)
    result = _materialize(data, warehouse)
    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.message
    assert "ANCT, France services labellisées" in message and "perte de" in message
    after, stale, last = _table(warehouse)
    assert after == before and not stale and not last[0]

    # opted in: the build goes on with the last good load, marked stale
    result = _materialize(data, warehouse, stale=True)
    assert result.success
    after, stale, (last_stale, last_message) = _table(warehouse)
    assert after == before and stale and last_stale
    assert last_message.startswith(REFUSED_MARK) and "ANCT, France services" in last_message
    # visible in the build summary and in the report's table of sources
    (perimee,) = sources_perimees(warehouse)
    assert perimee.startswith("Source « ANCT, France services labellisées, août 2024 » refusée")
    with duckdb.connect(str(warehouse)) as con:  # the report's tables, by their real dbt models
        con.execute("create schema if not exists marts")
        con.execute(
            "create table marts.sources_donnees as "
            "select * from read_csv(?, header = true, all_varchar = true)",
            [str(SEEDS / "sources_donnees.csv")],
        )
        assert {"chargements", "sources"} <= set(creer_tables_rapport(con))
        (chargement,) = _chargements(con)
        (groupe,) = _sources(con)
    assert chargement["table_name"] == TABLE and chargement["livraison_refusee"]
    assert groupe["ancienne_copie"] and groupe["livraison_refusee"]
    assert groupe["producteur"] == "ANCT" and groupe["theme"] == "Offre"
