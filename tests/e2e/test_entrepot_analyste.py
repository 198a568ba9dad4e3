"""The warehouse as an analyst opens it (session build of the 93): comments on every mart and
column, dbt failure tables only where a test found rows, native lists, and the cookbook queries of
``docs/requetes.md`` that run and answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestration.assets.publication import published_copy_path

pytestmark = pytest.mark.e2e

REQUETES = Path(__file__).resolve().parents[2] / "docs" / "requetes.md"


def requetes() -> list[tuple[str, str]]:
    """``[(section title, sql)]`` for every ```sql block of docs/requetes.md."""
    text = REQUETES.read_text(encoding="utf-8")
    out, titre = [], ""
    for match in re.finditer(r"^## ([^\n]+)$|^```sql\n(.*?)^```", text, re.M | re.S):
        if match.group(1):
            titre = match.group(1).strip()
        else:
            out.append((titre, match.group(2)))
    return out


def test_every_mart_table_and_column_carries_its_description_as_a_comment(built_93):
    for warehouse in (built_93.warehouse, published_copy_path(built_93.warehouse)):
        import duckdb

        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            (sans,) = con.execute(
                "select count(*) from duckdb_columns() where schema_name = 'marts' and comment is null"
            ).fetchone()
            colonnes = con.execute(
                "select table_name || '.' || column_name from duckdb_columns() "
                "where schema_name = 'marts' and comment is null order by 1 limit 20"
            ).fetchall()
            tables = con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' and comment is null"
            ).fetchall()
            (total,) = con.execute(
                "select count(*) from duckdb_columns() where schema_name = 'marts'"
            ).fetchone()
        finally:
            con.close()
        assert total > 500
        assert sans == 0, f"{warehouse.name}: columns without a comment: {colonnes}"
        assert tables == [], f"{warehouse.name}: marts without a comment: {tables}"
    # the same French text as the dbt yml (models, seeds and the graph's source)
    ((rang,), (graphe,), (seed,)) = (
        built_93.query(
            "select comment from duckdb_columns() where schema_name = 'marts' and table_name = ? "
            "and column_name = ?",
            [table, column],
        )[0]
        for table, column in (
            ("priorites", "rang_axe"),
            ("acteurs", "id_noeud"),
            ("axes_domaines", "code_axe"),
        )
    )
    assert rang.startswith("Rang") and "axe" in rang
    assert graphe.startswith("Identifiant du nœud")
    assert seed


def test_raw_tables_carry_the_description_of_their_source(built_93):
    sans = built_93.query(
        "select table_name from duckdb_tables() where schema_name = 'raw' and comment is null "
        "and table_name not like '\\_%' escape '\\' order by 1"
    )
    (commentees,) = built_93.query(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and comment is not null"
    )[0]
    assert commentees > 20
    assert sans == [], f"raw tables without a comment: {sans}"


def test_dbt_failure_tables_are_apart_and_only_when_a_test_found_rows(built_93):
    import json
    import os

    manifest = json.loads(
        (Path(os.environ["PACTE_DBT_TARGET"]) / "manifest.json").read_text(encoding="utf-8")
    )
    tests = {n.get("alias") or n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    assert len(tests) > 200
    quarantaine = {
        r[0]
        for r in built_93.query("select table_name from duckdb_tables() where schema_name = 'quarantine'")
    }
    assert "rejets" in quarantaine  # the readers' quarantine stays
    assert not quarantaine & tests, sorted(quarantaine & tests)[:10]
    echecs = [
        r[0]
        for r in built_93.query("select table_name from duckdb_tables() where schema_name = 'test_failures'")
    ]
    assert len(echecs) < 20, echecs
    for table in echecs:
        assert table in tests
        (n,) = built_93.query(f'select count(*) from test_failures."{table}"')[0]
        assert n > 0, f"empty failure table kept: test_failures.{table}"


def test_marts_hold_lists_as_native_lists_not_json_text(built_93):
    colonnes = built_93.query(
        "select table_name, column_name from duckdb_columns() where schema_name = 'marts' "
        "and data_type = 'VARCHAR' order by 1, 2"
    )
    par_table: dict[str, list[str]] = {}
    for table, column in colonnes:
        par_table.setdefault(table, []).append(column)
    json_lists = []
    for table, columns in par_table.items():
        tests = ", ".join(
            f'count_if(ltrim("{c}") like \'[%\' and json_valid("{c}")) as "{c}"' for c in columns
        )
        counts = built_93.query(f'select {tests} from marts."{table}"')[0]
        json_lists += [f"{table}.{c}" for c, n in zip(columns, counts, strict=True) if n]
    assert json_lists == [], f"JSON text lists in marts: {json_lists}"
    types = dict(
        built_93.query(
            "select table_name || '.' || column_name, data_type from duckdb_columns() "
            "where schema_name = 'marts' "
            "and column_name in ('composantes', 'termes_trouves', 'axes', 'preuves', 'codes_communes', "
            "'dispositifs_lies')"
        )
    )
    assert types["besoins.composantes"].startswith("STRUCT(") and types["besoins.composantes"].endswith("[]")
    assert types["passages.termes_trouves"] == "VARCHAR[]"
    assert types["acteurs.axes"] == "VARCHAR[]" and types["liens.preuves"].endswith("[]")
    # « a|b » text lists of the dbt models too (the seeds keep theirs: CSV cells of vocabularies)
    assert types["territoires.codes_communes"] == "VARCHAR[]"
    assert types["pistes.dispositifs_lies"] == "VARCHAR[]"


@pytest.mark.parametrize("titre,sql", requetes(), ids=[t.split(".")[0] for t, _ in requetes()])
def test_cookbook_query_runs_and_answers(built_93, titre, sql):
    rows = built_93.query(sql)
    assert rows, f"« {titre} » returns no row on the 93"


def test_the_cookbook_has_about_ten_questions():
    assert len(requetes()) >= 10
