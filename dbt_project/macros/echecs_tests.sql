{#- The rows failing a dbt test are stored (store_failures) in the schema `test_failures`, apart from
    the readers' quarantine (`quarantine.rejets` …). A test that passes leaves an empty table there:
    drop it, so that the schema lists only the tests that found something. Also drops the failure
    tables earlier versions of the project stored in `quarantine` (same names as the tests). -#}
{% macro supprimer_echecs_vides() %}
  {%- if execute -%}
    {%- set tests = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'test' -%}
      {%- do tests.append(node.alias or node.name) -%}
    {%- endfor -%}
    {%- set tables = run_query(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = current_database() and schema_name in ('test_failures', 'quarantine')") -%}
    {%- set counted = [] -%}
    {%- for row in tables -%}
      {%- if row[0] == 'test_failures' -%}
        {%- do counted.append("select '" ~ row[1] ~ "' as nom, (select count(*) from test_failures." ~ adapter.quote(row[1]) ~ ") as n") -%}
      {%- elif row[1] in tests -%}
        {%- do run_query('drop table quarantine.' ~ adapter.quote(row[1])) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- if counted -%}
      {%- set drops = [] -%}
      {%- for row in run_query(counted | join(' union all ')) if row[1] == 0 -%}
        {%- do drops.append('drop table test_failures.' ~ adapter.quote(row[0])) -%}
      {%- endfor -%}
      {%- if drops -%}
        {%- do run_query(drops | join(';\n')) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endif -%}
{% endmacro %}
