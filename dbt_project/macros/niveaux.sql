{#- The rows of `relation` (one per commune, carrying the codes of int_communes__hierarchie:
    code_commune, code_epci, code_ept, code_departement, code_region) once for each territory of
    `niveaux` that holds the commune, as `niveau`, `code_territoire`, then `colonnes`. A commune
    outside every EPCI or EPT is in no row of that level; it counts in France when `france_si`
    holds. The one place that says which code names a commune's territory at each level. -#}
{% macro par_niveau(relation, colonnes, niveaux=['commune', 'epci', 'ept', 'departement', 'region', 'france'],
                    france_si='dans_france_entiere') -%}
    {%- set codes = {'commune': 'code_commune', 'epci': 'code_epci', 'ept': 'code_ept',
                     'departement': 'code_departement', 'region': 'code_region', 'france': "'FR'"} -%}
    {%- for niveau in niveaux %}
    select '{{ niveau }}' as niveau, {{ codes[niveau] }} as code_territoire, {{ colonnes | join(', ') }}
    from {{ relation }}
        {%- if niveau in ('epci', 'ept') %}
    where {{ codes[niveau] }} is not null
        {%- elif niveau == 'france' %}
    where {{ france_si }}
        {%- endif %}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
