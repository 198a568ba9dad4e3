"""Extensions of the reader core used by the need-side readers.

Padding of rows whose trailing empty cells were stripped, optional columns,
year-suffixed column names, inserted columns, the ``ns``/``so`` markers, and the
loading of flag lists that are empty in the first rows only.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ingest.core import ColumnSpec as C
from ingest.core import (
    FileSpec,
    ReadResult,
    SourceInfo,
    concat_results,
    insert_columns,
    number_columns,
    parse_french_number,
    read_csv,
    with_year,
)
from ingest.warehouse import connect, write_raw


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SPEC = FileSpec(
    table="essai",
    vintage="test",
    columns=[
        C("CODGEO", "codgeo", kind="commune", required=True),
        *number_columns("A;B", empty_is_secret=True),
    ],
)


@pytest.mark.parametrize(
    ("raw", "marker"), [("ns", "indisponible"), ("so", "indisponible"), ("NS", "indisponible")]
)
def test_insee_non_significant_and_not_applicable_markers(raw, marker):
    assert parse_french_number(raw) == (None, marker)


def test_short_rows_are_rejected_by_default(tmp_path):
    path = _write(tmp_path, "f.csv", "CODGEO;A;B\n93001;1;2\n93005;3\n")
    result = read_csv(path, SPEC)
    assert result.frame["codgeo"].tolist() == ["93001"]
    assert [(q.line, q.field, q.reason) for q in result.quarantine] == [(3, "", "expected 3 fields, found 2")]


def test_short_rows_are_padded_with_empty_cells_when_asked(tmp_path):
    spec = FileSpec(table="essai", vintage="test", columns=SPEC.columns, pad_short_rows=True)
    path = _write(tmp_path, "f.csv", "CODGEO;A;B\n93001;1;2\n93005;3\n93006;1;2;3\n")
    result = read_csv(path, spec)
    rows = result.frame.to_dict("records")
    assert [(r["codgeo"], r["a"], r["_secret"]) for r in rows] == [("93001", 1.0, []), ("93005", 3.0, ["b"])]
    assert pd.isna(rows[1]["b"])
    # a longer row is still an error
    assert [(q.line, q.reason) for q in result.quarantine] == [(4, "expected 3 fields, found 4")]


def test_padding_never_fills_a_required_column(tmp_path):
    spec = FileSpec(
        table="essai",
        vintage="test",
        pad_short_rows=True,
        columns=[C("CODGEO", "codgeo", kind="commune", required=True), C("LIB", "lib", required=True)],
    )
    result = read_csv(_write(tmp_path, "f.csv", "CODGEO;LIB\n93001\n"), spec)
    assert result.rows == 0
    assert [(q.line, q.field) for q in result.quarantine] == [(2, "LIB")]


def test_optional_column_absent_from_the_file_is_null_and_flagged(tmp_path):
    spec = FileSpec(
        table="essai",
        vintage="test",
        columns=[
            C("CODGEO", "codgeo", kind="commune", required=True),
            C("PACT", "pact", kind="number", optional=True),
        ],
    )
    result = read_csv(_write(tmp_path, "f.csv", "CODGEO;X\n93001;1\n"), spec)
    assert result.quarantine == []
    row = result.frame.iloc[0]
    assert pd.isna(row["pact"]) and row["_indisponible"] == ["pact"]
    assert result.frame["pact"].dtype == "float64"


def test_missing_required_column_still_fails_the_file(tmp_path):
    result = read_csv(_write(tmp_path, "f.csv", "CODGEO;A\n93001;1\n"), SPEC)
    assert result.rows == 0
    assert [(q.line, q.reason) for q in result.quarantine] == [(0, "missing column(s) B in header")]


def test_with_year_fills_the_suffix_and_keeps_options():
    cols = with_year([C("Q2{yy}", "q2", kind="number", optional=True), C("S80S20{yy}", "s80s20")], 2018)
    assert [(c.source, c.target, c.kind, c.optional) for c in cols] == [
        ("Q218", "q2", "number", True),
        ("S80S2018", "s80s20", "text", False),
    ]


def test_number_columns_strip_and_lowercase_names():
    cols = number_columns("EVOL_CA_N_E ;NOTE_PE", kind="integer")
    assert [(c.source.strip(), c.target, c.kind) for c in cols] == [
        ("EVOL_CA_N_E", "evol_ca_n_e", "integer"),
        ("NOTE_PE", "note_pe", "integer"),
    ]


def test_insert_columns_constants_and_derived_values_also_on_an_empty_frame():
    frame = pd.DataFrame({"_line": [2, 3], "iris": ["930660101", "2A0040000"], "_secret": [[], []]})
    result = ReadResult("t", frame, SourceInfo("f", "c", "v"))
    out = insert_columns(result, {"code_commune": lambda f: f["iris"].str[:5]}, after="iris")
    out = insert_columns(out, {"annee": 2014, "niveau": "iris"})
    assert list(out.frame.columns) == ["_line", "annee", "niveau", "iris", "code_commune", "_secret"]
    assert out.frame["code_commune"].tolist() == ["93066", "2A004"]
    assert str(out.frame["annee"].dtype) == "Int64"
    empty = ReadResult("t", frame.iloc[0:0], SourceInfo("f", "", "v"))
    assert list(insert_columns(empty, {"niveau": "x"}).frame.columns) == [
        "_line",
        "niveau",
        "iris",
        "_secret",
    ]


def test_concat_results_keeps_every_quarantine_entry(tmp_path):
    good = read_csv(_write(tmp_path, "a.csv", "CODGEO;A;B\n93001;1;2\n"), SPEC)
    bad = read_csv(_write(tmp_path, "b.csv", "CODGEO;A;B\n9300;1;2\n93005;x;1\n"), SPEC)
    result = concat_results("essai", [good, bad], "v")
    assert result.rows == 1
    assert [(q.source_file.rsplit("/", 1)[-1], q.line, q.field) for q in result.quarantine] == [
        ("b.csv", 2, "CODGEO"),
        ("b.csv", 3, "A"),
    ]


def test_write_raw_loads_flags_that_appear_only_after_the_sampled_rows(tmp_path):
    rows = 5000
    frame = pd.DataFrame(
        {
            "_line": range(2, rows + 2),
            "x": [1.0] * rows,
            "_secret": [[] for _ in range(rows - 1)] + [["x"]],
            "_indisponible": [[] for _ in range(rows)],
        }
    )
    with connect(tmp_path / "w.duckdb") as con:
        write_raw(con, ReadResult("essai", frame, SourceInfo("f", "c", "v")))
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns where table_name = 'essai'"
            ).fetchall()
        )
        flagged = con.execute("select count(*) from raw.essai where list_contains(_secret, 'x')").fetchone()[
            0
        ]
    assert types["_secret"] == "VARCHAR[]" and types["_indisponible"] == "VARCHAR[]"
    assert flagged == 1


def test_na_values_of_a_text_column_are_null_and_flagged(tmp_path):
    spec = FileSpec(
        table="essai",
        vintage="test",
        sep=",",
        columns=[
            C("insee_com", kind="commune", required=True),
            C("niveau", required=True, na_values=("- undefined",)),
        ],
    )
    result = read_csv(
        _write(tmp_path, "f.csv", "insee_com,niveau\n97411, - undefined\n93066,Centre majeur\n93001,\n"), spec
    )
    assert result.frame["insee_com"].tolist() == ["97411", "93066"]
    assert pd.isna(result.frame["niveau"].iloc[0]) and result.frame["niveau"].iloc[1] == "Centre majeur"
    assert result.frame["_indisponible"].tolist() == [["niveau"], []]
    assert [(q.line, q.field) for q in result.quarantine] == [(4, "niveau")]


@pytest.mark.parametrize("code", ["20", "00", "96", "970", "979", "2C"])
def test_codes_that_are_not_departements_are_refused(code):
    from ingest.core import FieldError, normalise_departement_code

    with pytest.raises(FieldError):
        normalise_departement_code(code)


@pytest.mark.parametrize(
    "code", ["01", "19", "21", "2A", "2B", "95", "971", "976", "975", "977", "978", "984", "988"]
)
def test_departement_codes_of_the_cog_are_accepted(code):
    from ingest.core import normalise_departement_code

    assert normalise_departement_code(code) == code


def test_row_check_sends_an_inconsistent_row_to_the_quarantine(tmp_path):
    def parts_add_up(row):
        if row["a"] + row["b"] != row["total"]:
            return "TOTAL", f"{row['a']} + {row['b']} != {row['total']}"
        return None

    spec = FileSpec(
        table="essai",
        vintage="test",
        row_check=parts_add_up,
        columns=[C("CODGEO", "codgeo", kind="commune", required=True), *number_columns("A;B;TOTAL")],
    )
    result = read_csv(_write(tmp_path, "f.csv", "CODGEO;A;B;TOTAL\n93001;1;2;3\n93005;1;2;4\n"), spec)
    assert result.frame["codgeo"].tolist() == ["93001"]
    assert [(q.line, q.field, q.reason, q.content) for q in result.quarantine] == [
        (3, "TOTAL", "1.0 + 2.0 != 4.0", "93005;1;2;4")
    ]
