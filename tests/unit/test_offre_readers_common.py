"""Shared pieces of the offer readers: value checks, brace lists, JSON arrays, typed frames."""

from __future__ import annotations

import doctest

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.core import FieldError, ReadResult, SourceInfo
from ingest.offre import (
    _common,
    api_data_inclusion,
    data_inclusion,
    listes_base,
    listes_insertion,
    listes_lieux,
    local,
    valeurs,
)
from ingest.offre._common import (
    SERVICE_COLUMNS,
    STRUCTURE_COLUMNS,
    RowChecker,
    RowRejected,
    build_frame,
    check_coordinates,
    check_siret,
    convert_records,
    iter_json_array,
    parse_brace_list,
    restore_reunion_latitude,
)
from ingest.warehouse import write_raw


@pytest.mark.parametrize(
    "module",
    [_common, valeurs, data_inclusion, api_data_inclusion, listes_base, listes_insertion, listes_lieux,
     local],
)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


# --------------------------------------------------------------------------- brace lists


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("{gratuit}", ["gratuit"]),
        ("{en-presentiel,a-distance}", ["en-presentiel", "a-distance"]),
        ("{}", []),
        ("", None),
        (None, None),
        # the real Réunion export: a quoted element holding a space
        ('{logement-hebergement,"logement-hebergement--etre-accompagne-en cas-de-difficultes-financieres",'
         "logement-hebergement--probleme-avec-son-logement}",
         ["logement-hebergement", "logement-hebergement--etre-accompagne-en cas-de-difficultes-financieres",
          "logement-hebergement--probleme-avec-son-logement"]),
        ('{"a, b",c}', ["a, b", "c"]),
        ('{"with \\"quotes\\" and \\\\",x}', ['with "quotes" and \\', "x"]),
        ('{"{braces}"}', ["{braces}"]),
        ("{ a , b }", ["a", "b"]),
        ('{""}', [""]),
        ("{a,NULL,b}", ["a", "b"]),
    ],
)
def test_brace_list_parses_postgres_array_literals(raw, expected):
    assert parse_brace_list(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("gratuit", "no opening brace"),
        ("{a,b", "no closing brace"),
        ('{"a,b}', "unterminated quotes"),
        ('{"a"b}', "text after a quoted element"),
        ("{a,,b}", "empty element"),
        ("{a,}", "trailing comma"),
        ("{{a},{b}}", "unexpected '{'"),
        ('{a"b}', "unexpected '\"'"),
    ],
)
def test_brace_list_rejects_malformed_literals(raw, reason):
    with pytest.raises(FieldError, match=reason.replace("{", r"\{")):
        parse_brace_list(raw)


def _literal(items: list[str]) -> str:
    quoted = ['"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items]
    return "{" + ",".join(quoted) + "}"


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12), max_size=6))
def test_brace_list_round_trips_any_quoted_elements(items):
    assert parse_brace_list(_literal(items)) == items


# --------------------------------------------------------------------------- SIRET, coordinates


@pytest.mark.parametrize("raw", ["75187049400026", "13003013300016", "130 030 133 00016", "35600000049837"])
def test_valid_sirets(raw):
    assert check_siret(raw) == raw.replace(" ", "")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("7793112240000", "13 characters, 14 digits expected"),
        ("12345678901234", "wrong check digit (Luhn)"),
        ("40014944900022", "wrong check digit (Luhn)"),  # real GEIQ row with a typo
        ("3560000004983X", "not 14 digits"),
        ("35600000049838", "wrong check digit (La Poste rule)"),
    ],
)
def test_invalid_sirets_name_the_problem(raw, reason):
    with pytest.raises(FieldError) as excinfo:
        check_siret(raw)
    assert str(excinfo.value) == f"invalid SIRET {raw!r}: {reason}"


def test_coordinates_accept_decimal_commas_and_reject_impossible_values():
    assert check_coordinates("55,44652200", "20,88145500") == (55.446522, 20.881455)
    assert check_coordinates(2.35, 48.86) == (2.35, 48.86)
    with pytest.raises(FieldError, match="longitude out of range"):
        check_coordinates("-190", "45")
    with pytest.raises(FieldError, match="latitude missing"):
        check_coordinates("2.3", "")
    with pytest.raises(FieldError, match="not a number"):
        check_coordinates("2.3", "48 N")


def test_reunion_latitude_is_restored_only_in_974_and_only_when_positive():
    assert restore_reunion_latitude(21.33, "97416", "97410") == (-21.33, True)
    assert restore_reunion_latitude(21.33, None, "97410") == (-21.33, True)
    assert restore_reunion_latitude(-21.33, "97416", "97410") == (-21.33, False)
    assert restore_reunion_latitude(48.9, "93066", "93200") == (48.9, False)
    assert restore_reunion_latitude(None, "97416", "97410") == (None, False)
    # Mayotte's latitudes are south too, but its export is not documented as broken
    assert restore_reunion_latitude(12.78, "97611", "97600") == (12.78, False)


# --------------------------------------------------------------------------- JSON arrays


def test_json_array_lines_point_at_each_record_and_survive_a_broken_one():
    text = '[\n  {\n    "a": 1\n  },\n  {\n    "a": \n  },\n  {\n    "a": 3\n  }\n]\n'
    parsed = list(iter_json_array(text))
    assert [(line, value) for line, value, error in parsed if error is None] == [(2, {"a": 1}), (8, {"a": 3})]
    broken = [(line, error) for line, _, error in parsed if error is not None]
    assert broken == [(5, "invalid JSON: Expecting value (line 7, column 3)")]


def test_json_array_rejects_a_file_that_is_not_an_array():
    with pytest.raises(FieldError, match="not a JSON array"):
        list(iter_json_array('{"items": []}'))
    assert list(iter_json_array("[ ]")) == []
    assert [e for _, _, e in iter_json_array('[{"a": 1}')] == [None, "invalid JSON: the array is not closed"]


# --------------------------------------------------------------------------- rows and frames


def test_convert_records_keeps_rows_with_soft_problems_and_rejects_hard_ones():
    def row(record, check: RowChecker):
        if record.get("kind") == "bad":
            raise RowRejected("kind", "not allowed")
        return {"id": check.require("id", record.get("id")),
                "siret": check.soft("siret", check_siret, record.get("siret"))}

    records = [
        (2, {"id": "a", "siret": "75187049400026", "courriel": "x@y.fr"}),
        (3, {"id": "b", "siret": "75187049400027"}),
        (4, {"id": "a"}),
        (5, ["not", "a", "record"]),
        (6, {"id": "c", "kind": "bad", "telephone": "0102030405"}),
        (7, {"id": ""}),
    ]
    rows, quarantine = convert_records(records, row, "t", "f.json")
    assert rows == [{"id": "a", "siret": "75187049400026", "_line": 2},
                    {"id": "b", "siret": None, "_line": 3}]
    assert [(q.line, q.field, q.reason) for q in quarantine] == [
        (3, "siret", "invalid SIRET '75187049400027': wrong check digit (Luhn)"),
        (4, "id", "duplicate id 'a' (first seen at line 2)"),
        (5, "", "record is not an object but list"),
        (6, "kind", "not allowed"),
        (7, "id", "empty value in a required field"),
    ]
    # personal data never reaches the quarantine
    assert all("0102030405" not in q.content and "x@y.fr" not in q.content for q in quarantine)


def test_frames_have_duckdb_list_date_and_boolean_types_even_when_empty(tmp_path):
    import datetime as dt

    filled = build_frame([{"id": "s1", "thematiques": ["famille"], "date_maj": dt.date(2025, 1, 2),
                           "coordonnees_corrigees": True, "latitude": -21.3}], SERVICE_COLUMNS)
    empty = build_frame([], STRUCTURE_COLUMNS)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_raw(con, ReadResult("offre_services__t", filled, SourceInfo("f", "c", "v")))
    write_raw(con, ReadResult("offre_structures__t", empty, SourceInfo("f", "c", "v")))
    types = dict(con.execute(
        "select table_name || '.' || column_name, data_type from information_schema.columns "
        "where table_schema = 'raw' and table_name like 'offre_%'").fetchall())
    assert types["offre_services__t.thematiques"] == "VARCHAR[]"
    assert types["offre_services__t.date_maj"] == "DATE"
    assert types["offre_services__t.coordonnees_corrigees"] == "BOOLEAN"
    assert types["offre_structures__t.reseaux_porteurs"] == "VARCHAR[]"
    assert types["offre_structures__t.capacite"] == "BIGINT"
    assert types["offre_structures__t.latitude"] == "DOUBLE"
    assert con.execute("select thematiques, latitude from raw.offre_services__t").fetchall() == [
        (["famille"], -21.3)]


def test_frames_refuse_columns_outside_the_contract():
    with pytest.raises(ValueError, match="columns outside the contract"):
        build_frame([{"id": "x", "telephone": "01"}], STRUCTURE_COLUMNS)


def test_contract_columns_are_the_agreed_ones():
    assert [name for name, _ in STRUCTURE_COLUMNS] == [
        "_line", "source", "id", "nom", "siret", "code_insee", "commune", "code_postal", "adresse",
        "longitude", "latitude", "coordonnees_corrigees", "typologie", "reseaux_porteurs", "site_web",
        "date_maj", "capacite", "departement", "nb_conseillers"]
    assert [name for name, _ in SERVICE_COLUMNS] == [
        "_line", "source", "id", "structure_id", "nom", "description", "types", "thematiques", "frais",
        "publics", "modes_accueil", "code_insee", "commune", "code_postal", "adresse", "longitude",
        "latitude", "coordonnees_corrigees", "zone_eligibilite", "date_maj"]
    assert {"telephone", "courriel", "contact_nom_prenom"} <= _common.PERSONAL_KEYS
