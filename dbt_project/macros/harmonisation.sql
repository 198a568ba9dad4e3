{#- The rows of `relation` (a CTE or relation name; one row per commune of the source's own
    geography, in `code_commune_source`) gathered on the COG 2026 commune they make up
    (int_communes__correspondance): `code_commune`, the number of source rows that made it
    (`nb_communes_source`), each column of `sommes` summed, then the aggregates of the caller
    block, which reads the source rows as `s`:
        {% call vers_communes_2026('source', ['population']) %}
            any_value(s.taux) as taux_unique
        {% endcall %}
    Rates are never summed here: a model keeps a published rate when one source commune makes the
    2026 commune (nb_communes_source = 1) and recomputes it from summed counts otherwise. -#}
{% macro vers_communes_2026(relation, sommes=[]) -%}
    select
        co.code_commune,
        count(*) as nb_communes_source
        {%- for colonne in sommes %},
        sum(s.{{ colonne }}) as {{ colonne }}
        {%- endfor %}
        {%- if caller is defined %},
        {{ caller() | trim }}
        {%- endif %}
    from {{ relation }} as s
    inner join {{ ref('int_communes__correspondance') }} as co on co.code_commune_source = s.code_commune_source
    group by co.code_commune
{%- endmacro %}

{#- The sum of `colonne` over the source rows of a group, NULL as soon as one of them is NULL
    (secret or missing): a sum is only meaningful when no part is. -#}
{% macro somme_complete(colonne) -%}
    case when bool_and({{ colonne }} is not null) then sum({{ colonne }}) end
{%- endmacro %}

{#- The Filosofi measures kept only as published (medians, deciles, their ratio cannot be recomputed
    for a merged commune, unlike the poverty rate): harmonised with their secrecy flag by
    int_filosofi__communes_harmonisees, listed as commune indicators by int_indicateurs__communes. -#}
{% macro filosofi_mesures_publiees() -%}
    {{ return(['mediane_niveau_vie', 'decile_1', 'decile_9', 'rapport_interdecile']) }}
{%- endmacro %}
