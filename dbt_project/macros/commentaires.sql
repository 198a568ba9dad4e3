{#- COMMENT ON every table the readers and the graph write (the dbt sources: raw tables and the
    graph's marts) and on their described columns, from the descriptions of their dbt yml, so that
    an analyst opening the DuckDB file (CLI, DBeaver, duckdb_tables(), duckdb_columns()) reads the
    same French text as the data dictionary. The models and seeds get theirs from `persist_docs`
    (dbt_project.yml). Run at the end of every dbt invocation: a table Python rewrote since (the
    graph's, once per build) gets its comments back at the next step, the priorities'. -#}
{% macro commenter_sources() %}
  {%- if execute -%}
    {%- set existing = {} -%}
    {%- set rows = run_query(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where database_name = current_database()") -%}
    {%- for row in rows -%}
      {%- do existing.setdefault(row[0] ~ '.' ~ row[1], []).append(row[2]) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for source in graph.sources.values() -%}
      {%- set columns = existing.get(source.schema ~ '.' ~ source.identifier) -%}
      {%- if columns is not none -%}
        {%- set relation = adapter.quote(source.schema) ~ '.' ~ adapter.quote(source.identifier) -%}
        {%- if source.description | trim -%}
          {%- do statements.append('comment on table ' ~ relation ~ ' is ' ~ duckdb_escape_comment(source.description | trim)) -%}
        {%- endif -%}
        {%- for name, column in source.columns.items() -%}
          {%- if name in columns and column.description | trim -%}
            {%- do statements.append('comment on column ' ~ relation ~ '.' ~ adapter.quote(name) ~ ' is ' ~ duckdb_escape_comment(column.description | trim)) -%}
          {%- endif -%}
        {%- endfor -%}
      {%- endif -%}
    {%- endfor -%}
    {#- a raw table no source describes (read by Python only: the registry, the contrats de ville…)
        gets the producer and dataset of the seed sources_donnees, the owner of that fact -#}
    {%- set seed = adapter.get_relation(database=target.database, schema='marts', identifier='sources_donnees') -%}
    {%- if seed is not none -%}
      {%- set described = [] -%}
      {%- for source in graph.sources.values() if source.schema == 'raw' and source.description | trim -%}
        {%- do described.append(source.identifier) -%}
      {%- endfor -%}
      {%- for row in run_query("select table_brute, jeu_de_donnees || ' (' || producteur || ')' from " ~ seed) -%}
        {%- if row[0] not in described and existing.get('raw.' ~ row[0]) is not none -%}
          {%- do statements.append('comment on table raw.' ~ adapter.quote(row[0]) ~ ' is ' ~ duckdb_escape_comment(row[1])) -%}
        {%- endif -%}
      {%- endfor -%}
    {%- endif -%}
    {#- one query for all of them: each run_query costs dbt about 5 ms of bookkeeping, and there are
        hundreds of comments at the end of each of the three dbt steps of a build -#}
    {%- if statements -%}
      {%- do run_query(statements | join(';\n')) -%}
    {%- endif -%}
  {%- endif -%}
{% endmacro %}
