"""The shared reader machinery: French numbers, codes, quarantine of rows and files."""

from __future__ import annotations

import gzip

import pytest

from ingest.core import ColumnSpec as C
from ingest.core import FieldError, FileSpec, normalise_commune_code, parse_french_number, read_csv

SPEC = FileSpec(
    table="essai",
    vintage="test",
    columns=[
        C("CODGEO", "codgeo", kind="commune", required=True),
        C("NB", "nb", kind="integer"),
        C("TAUX", "taux", kind="number"),
        C("LIB", "libelle"),
    ],
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 075", (1075.0, None)),
        ("1\u00a0075,5", (1075.5, None)),
        ("42,0", (42.0, None)),
        ("5.76", (5.76, None)),
        ("34990.0902194347", (34990.0902194347, None)),
        ("-16,2", (-16.2, None)),
        ("s", (None, "secret")),
        ("nd", (None, "indisponible")),
        ("", (None, "indisponible")),
    ],
)
def test_parse_french_number(raw, expected):
    assert parse_french_number(raw) == expected


def test_empty_cell_is_secret_when_the_publisher_says_so():
    assert parse_french_number("", empty_is_secret=True) == (None, "secret")


@pytest.mark.parametrize("bad", ["12,3,4", "abc", "1.2.3", "inf"])
def test_parse_french_number_rejects_garbage(bad):
    with pytest.raises(FieldError):
        parse_french_number(bad)


@pytest.mark.parametrize("code", ["01001", "2A004", "2B033", "97411", "97502"])
def test_commune_codes_are_kept_as_text(code):
    assert normalise_commune_code(code) == code


@pytest.mark.parametrize("code", ["1001", "2C004", "930660", ""])
def test_bad_commune_codes_are_refused(code):
    with pytest.raises(FieldError):
        normalise_commune_code(code)


def _write(tmp_path, text, name="f.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_load_and_bad_rows_go_to_quarantine_with_line_and_field(tmp_path):
    path = _write(
        tmp_path,
        "CODGEO;NB;TAUX;LIB\n"
        "01001;1 075;42,0;Ain\n"
        "2A004;s;nd;Ajaccio\n"
        "1001;3;1,0;sans zéro\n"          # line 4: bad commune code
        "93066;12;abc;Saint-Denis\n"      # line 5: not a number
        "93001;1;2,0\n"                   # line 6: wrong field count
        "93005;2,5;3;demi\n"              # line 7: not whole
        "97411;7;8,5;La Réunion\n",
    )
    result = read_csv(path, SPEC)
    assert result.frame["codgeo"].tolist() == ["01001", "2A004", "97411"]
    assert result.frame["nb"].tolist()[0] == 1075
    assert result.frame["taux"].tolist()[0] == 42.0
    second = result.frame.iloc[1]
    assert second["nb"] is None or str(second["nb"]) == "<NA>"
    assert second["_secret"] == ["nb"] and second["_indisponible"] == ["taux"]
    rejected = [(q.line, q.field) for q in result.quarantine]
    assert rejected == [(4, "CODGEO"), (5, "TAUX"), (6, ""), (7, "NB")]
    assert all(q.source_file == str(path) for q in result.quarantine)
    assert "expected 4 fields, found 3" in result.quarantine[2].reason


def test_missing_column_quarantines_the_whole_file(tmp_path):
    path = _write(tmp_path, "CODGEO;NB;LIB\n01001;1;Ain\n")
    result = read_csv(path, SPEC)
    assert result.rows == 0
    assert [(q.line, q.reason) for q in result.quarantine] == [(0, "missing column(s) TAUX in header")]


def test_empty_and_missing_files_are_quarantined(tmp_path):
    empty = _write(tmp_path, "", "empty.csv")
    assert read_csv(empty, SPEC).quarantine[0].reason == "empty file: no header line"
    missing = read_csv(tmp_path / "absent.csv", SPEC)
    assert missing.quarantine[0].reason.startswith("file not found")


def test_bad_encoding_is_quarantined(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("CODGEO;NB;TAUX;LIB\n01001;1;2;Agglomération\n".encode("latin-1"))
    result = read_csv(path, SPEC)
    assert result.rows == 0 and "not readable as utf-8" in result.quarantine[0].reason


def test_gzip_files_and_embedded_newlines_keep_physical_line_numbers(tmp_path):
    path = tmp_path / "f.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write('CODGEO;NB;TAUX;LIB\n01001;1;2;"deux\nlignes"\nXX;1;2;x\n')
    result = read_csv(path, SPEC)
    assert result.frame["libelle"].tolist() == ["deux\nlignes"]
    assert [(q.line, q.field) for q in result.quarantine] == [(4, "CODGEO")]


def test_checksum_and_vintage_are_recorded(tmp_path):
    path = _write(tmp_path, "CODGEO;NB;TAUX;LIB\n01001;1;2;Ain\n")
    result = read_csv(path, SPEC)
    assert len(result.source.checksum) == 64 and result.source.vintage == "test"
