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
