{#- Rows of `relation` (a CTE or relation name) minus the arrondissements municipaux whose commune
    (Paris, Lyon, Marseille) is also present in the same relation: some sources publish both the
    commune and its arrondissements, and summing both would count the city twice. -#}
{% macro sans_arrondissements_en_double(relation, code_column) -%}
    select s.*
    from {{ relation }} as s
    where not exists (
        select 1
        from {{ ref('int_communes__correspondance') }} as co
        where co.code_commune_source = s.{{ code_column }}
            and co.origine = 'arrondissement_municipal'
            and exists (select 1 from {{ relation }} as p where p.{{ code_column }} = co.code_commune)
    )
{%- endmacro %}
