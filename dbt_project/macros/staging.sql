{#- The select of a staging model, rendered from the column spec of its yml (one place declares a
    staging column: its name, its type, the raw column or expression it comes from, its tests):
      - name: taux_pauvrete            cast(<name> as <data_type>) as <name>
        data_type: double
        config: {meta: {source: tp6021}}   the raw column, when it is named otherwise
      - name: libelle                  a column without data_type is taken as it is
        config: {meta: {source: libgeo}}
      - name: est_ept                  any SQL expression on the raw columns
        config: {meta: {expression: "type = 'EPT'"}}
      - name: taux_pauvrete_secret     the secrecy flag of a raw column (macro est_secret)
        config: {meta: {secret: tp6021}}
      - name: code_departement         computed by the model's own SQL from the columns above
        config: {meta: {derived: true}}
    Columns come out in the order of the yml. `where` filters the raw rows. -#}
{% macro select_typed(relation, where=none) -%}
    {%- if not execute %}
    select * from {{ relation }}
    {%- else -%}
    {%- set columns = [] -%}
    {%- for column in model.columns.values() -%}
        {%- set meta = column.config.meta if column.config is defined and column.config.meta else column.meta -%}
        {%- if not meta.get('derived') -%}
            {%- do columns.append((column, meta)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not columns -%}
        {{ exceptions.raise_compiler_error("select_typed: the yml of " ~ model.name ~ " declares no column") }}
    {%- endif %}
    select
    {%- for column, meta in columns %}
        {%- set raw = meta.get('source', column.name) %}
        {%- if meta.get('expression') %}
        {{ meta['expression'] | trim }} as {{ column.name }}
        {%- elif meta.get('secret') %}
        {{ est_secret(meta['secret']) }} as {{ column.name }}
        {%- elif column.data_type %}
        cast({{ raw }} as {{ column.data_type }}) as {{ column.name }}
        {%- else %}
        {{ raw }} as {{ column.name }}
        {%- endif %}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ relation }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
    {%- endif %}
{%- endmacro %}
