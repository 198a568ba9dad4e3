"""CSV files for people never carry a live formula; a failed write leaves the old file and no
``.partiel`` (issue 15 points 4 and 6).

The same rule (:mod:`rapport.formules`) serves the workbook (its cells stay text) and the CSV
files (an apostrophe before the text): the need extracts (``to_french_csv``) and the list of
rows set aside (``bilan_quarantaine``). Numbers, negative ones included, are left as numbers.
"""

from __future__ import annotations

import csv

import duckdb
import pandas as pd
import pytest

from orchestration.assets.outputs_besoins import to_french_csv
from orchestration.progression import bilan_quarantaine
from rapport import exports
from rapport.formules import DEBUTS_DE_FORMULE, est_formule

HOSTILE = ['=HYPERLINK("http://exemple.invalid","Cliquez ici")', "=1+1", "=IMPORTXML(A1;\"//a\")",
           "+33 6 71 28 45 90", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def test_the_workbook_and_the_csv_files_share_one_rule():
    assert DEBUTS_DE_FORMULE == ("=", "+", "-", "@", "\t", "\r")
    assert exports.est_formule is est_formule
    assert all(est_formule(v) for v in HOSTILE) and not est_formule(-3.5)


def test_need_extract_neutralises_text_cells_only(tmp_path):
    frame = pd.DataFrame({
        "libelle": [*HOSTILE, "Aulnay-sous-Bois"],
        "valeur": [-3.5, -1.0, 0.0, 2.25, -12.0, 4.0, 5.0, 6.0, -0.5],
        "rang": pd.array([-1, 2, 3, 4, 5, 6, 7, 8, 9], dtype="Int64"),
    })
    path = to_french_csv(frame, tmp_path / "besoins" / "indicateurs.csv")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header, body = rows[0], rows[1:]
    cells = {name: [r[i] for r in body] for i, name in enumerate(header)}
    (texte, valeur, rang) = header
    assert cells[texte] == [f"'{v}" for v in HOSTILE] + ["Aulnay-sous-Bois"]
    assert cells[valeur][:2] == ["-3,5", "-1,0"] and cells[valeur][-1] == "-0,5"
    assert cells[rang][0] == "-1"
    assert sorted(p.name for p in path.parent.iterdir()) == ["indicateurs.csv"]


def test_rows_set_aside_list_neutralises_its_cells(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema quarantine")
        con.execute("create table quarantine.rejets (table_name varchar, source_file varchar, line integer, "
                    "field varchar, reason varchar, content varchar, loaded_at timestamp)")
        con.execute("insert into quarantine.rejets values ('t', '/boite/=cmd|calc.csv', 3, '@nom', "
                    "'=HYPERLINK(\"x\")', '', now())")
    destination = tmp_path / "journaux" / "lignes_ecartees.csv"
    assert bilan_quarantaine(warehouse, destination) == [("=cmd|calc.csv", 1)]
    rows = list(csv.reader(destination.open(encoding="utf-8"), delimiter=";"))
    assert rows[1] == ["/boite/=cmd|calc.csv", "3", "'@nom", "'=HYPERLINK(\"x\")"]


def test_a_write_that_fails_keeps_the_old_file_and_leaves_no_partial(tmp_path, monkeypatch):
    path = to_french_csv(pd.DataFrame({"a": ["ancien"]}), tmp_path / "x.csv")
    before = path.read_bytes()

    def disk_full(self, target, *args, **kwargs):
        with open(target, "w") as handle:
            handle.write("moit")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)
    with pytest.raises(OSError, match="No space left"):
        to_french_csv(pd.DataFrame({"a": ["nouveau"]}), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]
