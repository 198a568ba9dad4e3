"""Raw tables carry their provenance; quarantine entries replace the previous ones of a table."""

from __future__ import annotations

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, read_csv
from ingest.warehouse import connect, write_raw

SPEC = FileSpec("essai", "millésime test", [C("CODGEO", "codgeo", kind="commune", required=True)])


def test_write_raw_records_provenance_and_quarantine(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("CODGEO\n01001\nbad\n", encoding="utf-8")
    with connect(tmp_path / "w.duckdb") as con:
        meta = write_raw(con, read_csv(src, SPEC))
        assert meta["rows"] == 1 and meta["quarantined"] == 1
        row = con.execute(
            "select codgeo, _source_file, _vintage, length(_checksum), _loaded_at is not null from raw.essai"
        ).fetchone()
        assert row == ("01001", str(src), "millésime test", 64, True)
        q = con.execute("select table_name, line, field from quarantine.rejets").fetchall()
        assert q == [("essai", 3, "CODGEO")]
        src.write_text("CODGEO\n01001\n02002\n", encoding="utf-8")
        write_raw(con, read_csv(src, SPEC))
        assert con.execute("select count(*) from quarantine.rejets").fetchone() == (0,)
        assert con.execute("select count(*) from raw._chargements").fetchone() == (2,)


def test_insert_rows_keeps_types_and_nulls_in_one_statement(tmp_path):
    import datetime as dt
    import doctest

    from ingest import warehouse
    from ingest.warehouse import insert_rows

    assert doctest.testmod(warehouse).failed == 0
    with connect(tmp_path / "w.duckdb") as con:
        con.execute("create table t (a integer, b varchar, c timestamp, d double)")
        when = dt.datetime(2026, 1, 2, 3, 4, 5)
        # NULLs first: the type of each column must come from every row, not the first ones
        rows = (
            [(None, None, None, None)] * 3
            + [(7, "é;x", when, 1.5)]
            + [(i, str(i), when, None) for i in range(5000)]
        )
        assert insert_rows(con, "t", rows) == 5004
        assert con.execute("select count(*), count(a), sum(a), count(c), max(d) from t").fetchone() == (
            5004,
            5001,
            7 + sum(range(5000)),
            5001,
            1.5,
        )
        assert con.execute("select b, c from t where a = 7").fetchone() == ("é;x", when)
        # a subset of the columns, in another order
        assert insert_rows(con, "t", [("z", 9)], columns=["b", "a"]) == 1
        assert con.execute("select a, c from t where b = 'z'").fetchone() == (9, None)
        assert insert_rows(con, "t", []) == 0


def test_an_unchanged_source_is_known_without_reading_it(tmp_path):
    import os

    from ingest.warehouse import unchanged_load

    src = tmp_path / "a.csv"
    src.write_text("CODGEO\n01001\nbad\n", encoding="utf-8")
    with connect(tmp_path / "w.duckdb") as con:
        assert unchanged_load(con, "essai") is None  # never loaded
        meta = write_raw(con, read_csv(src, SPEC))
        again = unchanged_load(con, "essai")
        assert again == meta  # same metadata as the load, quarantine count included
        # the file changes (same size, later time): read again
        src.write_text("CODGEO\n01002\nbad\n", encoding="utf-8")
        assert unchanged_load(con, "essai") is None
        write_raw(con, read_csv(src, SPEC))
        assert unchanged_load(con, "essai") is not None
        # a file appears beside it (a multi-file source might read it)
        (tmp_path / "b.csv").write_text("CODGEO\n", encoding="utf-8")
        assert unchanged_load(con, "essai") is None
        write_raw(con, read_csv(src, SPEC))
        # the table lost rows behind the pipeline's back
        con.execute("delete from raw.essai")
        assert unchanged_load(con, "essai") is None
        write_raw(con, read_csv(src, SPEC))
        # same content rewritten with an older time stamp still counts as a change
        stat = src.stat()
        os.utime(src, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10**9))
        assert unchanged_load(con, "essai") is None
        # the same files given by another snapshot folder: never taken for this one
        write_raw(con, read_csv(src, SPEC), inputs="/data/a")
        assert unchanged_load(con, "essai", inputs="/data/a") is not None
        assert unchanged_load(con, "essai", inputs="/data/b") is None
        # a live or stale load is never taken over
        write_raw(con, read_csv(src, SPEC))
        con.execute("update raw._chargements set mode = 'live'")
        assert unchanged_load(con, "essai") is None
