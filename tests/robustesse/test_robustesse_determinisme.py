"""Trial « three identical rebuilds » (issue 15, point 8): identical inputs give identical marts to the
last bit. Kept cheap here: no aggregate of the dbt models that builds a list or a text depends on the
order rows arrive in. The graph side is
``tests/unit/test_graph_analyse.py::test_the_analysis_does_not_depend_on_the_order_the_graph_was_read_in``
and two real builds are compared mart by mart in ``tests/e2e/test_rebuild.py``."""

from __future__ import annotations

import re
from pathlib import Path

DBT = Path(__file__).resolve().parents[2] / "dbt_project"
ORDERED_AGGREGATES = re.compile(r"(?<![\w.])(string_agg|array_agg|group_concat|listagg|list)\s*\(", re.I)


def _call_text(sql: str, open_paren: int) -> str:
    """The text between the parenthesis at ``open_paren`` and its match."""
    depth = 0
    for i in range(open_paren, len(sql)):
        depth += {"(": 1, ")": -1}.get(sql[i], 0)
        if depth == 0:
            return sql[open_paren + 1 : i]
    raise AssertionError("unbalanced parentheses")


def _enclosing_functions(sql: str, position: int) -> list[str]:
    """Names of the calls whose parentheses enclose ``position``."""
    names, depth = [], 0
    for i in range(position - 1, -1, -1):
        if sql[i] == ")":
            depth += 1
        elif sql[i] == "(":
            if depth == 0:
                names.append(re.search(r"(\w*)\s*$", sql[:i]).group(1).lower())
            else:
                depth -= 1
    return names


def unordered_aggregates(sql: str) -> list[str]:
    """Aggregates building a list or a text with no ``order by`` and not sorted afterwards.

    >>> unordered_aggregates("select string_agg(x, ', ') , list(y order by y), list_sort(list(z)) from t")
    ["string_agg(x, ', ')"]
    """
    sql = re.sub(r"--[^\n]*|/\*.*?\*/|\{#.*?#\}", "", sql, flags=re.S)  # comments say nothing
    found = []
    for match in ORDERED_AGGREGATES.finditer(sql):
        inside = _call_text(sql, match.end() - 1)
        if re.search(r"\border\s+by\b", inside, re.I) or "list_sort" in _enclosing_functions(
            sql, match.start()
        ):
            continue
        found.append(f"{match.group(1)}({inside})")
    return found


def test_no_list_or_text_aggregate_depends_on_row_order():
    offenders = {
        str(path.relative_to(DBT)): unordered_aggregates(path.read_text(encoding="utf-8"))
        for path in sorted((DBT / "models").rglob("*.sql"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_catches_the_forms_that_flipped():
    assert unordered_aggregates("select 'pilote : ' || string_agg(distinct d.libelle, ', ') from d")
    assert unordered_aggregates("select to_json(list(struct_pack(a := 1)))::varchar from t")
    assert not unordered_aggregates("select string_agg(distinct c, ' ; ' order by c) from t")
    assert not unordered_aggregates("select list_sort(list_distinct(list_filter(list(a), x -> x))) from t")


def test_missing_link_ids_are_unique_and_the_report_computes_them_as_dbt_does():
    """Two expected types missing from one dispositif with no single candidate had one id, so the evidence
    of a lead was numbered differently between two identical builds."""
    import duckdb

    from rapport.preuves import ID_LIEN_MANQUANT_SQL

    macro = (DBT / "macros" / "priorites.sql").read_text(encoding="utf-8")
    body = re.search(r"macro id_lien_manquant\(alias\) -%\}(.*?)\{%- endmacro", macro, re.S).group(1)
    body = re.sub(r"--[^\n]*", "", body).replace("{{ alias }}", "t")
    con = duckdb.connect()
    con.execute(
        """create table t as select * from (values
        ('93', 'partenaire_attendu_absent', 'dispositif:ctg:ept:1', null, 'ept', '1', null,
         '{"type_acteur": "ccas"}'),
        ('93', 'partenaire_attendu_absent', 'dispositif:ctg:ept:1', null, 'ept', '1', null,
         '{"type_acteur": "centre_social"}'),
        ('93', 'operateurs_sans_lien', null, null, 'ept', '1', 'aide_alimentaire', '{"nb_operateurs": 3}'),
        ('93', 'operateurs_sans_lien', null, null, 'ept', '2', 'aide_alimentaire', '{"nb_operateurs": 3}')
        ) as v(code_departement, regle, id_source, id_cible, niveau, code_territoire, code_domaine,
               details)"""
    )
    dbt_ids = [r[0] for r in con.execute(f"select {body} from t").fetchall()]
    report_ids = [r[0] for r in con.execute(f"select {ID_LIEN_MANQUANT_SQL} from t").fetchall()]
    assert dbt_ids == report_ids and len(set(dbt_ids)) == 4


def _sums_by_group(threads: int) -> tuple:
    import duckdb

    con = duckdb.connect(config={"threads": threads})
    try:
        con.execute("create table x as select (hash(i) % 100000) / 7.0 as v, (i % 50)::int as g "
                    "from range(2000000) r(i)")
        return tuple(con.execute("select g, sum(v) from x group by g order by g").fetchall())
    finally:
        con.close()


def test_dbt_runs_each_duckdb_query_on_one_thread_so_sums_of_doubles_are_the_same_every_build():
    """Two fresh builds of 93 differed in the last bits of indicators summed to EPCI, département, région
    (7 marts, and a need index rounded to 0,1 flipped on a tie): DuckDB adds the partial sums of its
    threads in the order they finish. The dbt profile keeps DuckDB to one thread; on one thread the same
    rows give the same sum every time."""
    import yaml

    profile = yaml.safe_load((DBT / "profiles.yml").read_text(encoding="utf-8"))
    assert profile["pacte"]["outputs"]["dev"]["settings"]["threads"] == 1
    assert len({_sums_by_group(1) for _ in range(3)}) == 1
