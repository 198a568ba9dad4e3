{#- Every row of the staging models of one kind (`structures` or `services`) of every offer
    source, in one relation (columns matched by name: a source lacking one gets NULL). -#}
{% macro offre_union(objet) -%}
    {%- set tables = offre_tables_services() if objet == 'services' else offre_tables_sources() -%}
    {%- for table_source in tables %}
    select * from {{ ref('stg_offre__' ~ objet ~ '_' ~ table_source) }}
        {%- if not loop.last %}
    union all by name
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
