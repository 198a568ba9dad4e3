"""The workbook and the Parquet exports list the same rows in the same order at every build."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _rapport_entrepot  # noqa: E402

from rapport.exports import exporter_excel, exporter_parquet  # noqa: E402

ROWS = [("93", "93066", 3.5, ["a", "b"]), ("93", "93001", None, []), ("93", "93066", 1.0, None),
        ("59", "59350", 2.0, ["c"])]


def _warehouse(rows):
    con = duckdb.connect()
    _rapport_entrepot.charger_libelles(con)  # the workbook's vocabulary, as dbt seeds it
    con.execute("create schema marts")
    con.execute("create table marts.liens (code_departement varchar, code_commune varchar, valeur double, "
                "sources varchar[])")
    for row in rows:  # one insert per row: the table keeps this order
        con.execute("insert into marts.liens values (?, ?, ?, ?)", list(row))
    return con


def test_rows_come_out_in_one_order_whatever_the_order_in_the_mart(tmp_path):
    sheets, parquets = [], []
    for i, rows in enumerate((ROWS, ROWS[::-1], ROWS[2:] + ROWS[:2])):
        con = _warehouse(rows)
        exporter_excel(con, "93", tmp_path / f"k{i}.xlsx")
        exporter_parquet(con, "93", tmp_path / f"p{i}")
        sheet = load_workbook(tmp_path / f"k{i}.xlsx")["Liens entre acteurs"]
        sheets.append([tuple(c.value for c in r) for r in sheet.iter_rows(min_row=2)])
        parquets.append(duckdb.sql(f"select * from '{tmp_path / f'p{i}' / 'liens.parquet'}'").fetchall())
    assert len(sheets[0]) == 3 and all("59350" not in str(r) for r in sheets[0])
    assert sheets[0] == sheets[1] == sheets[2]
    assert parquets[0] == parquets[1] == parquets[2]
