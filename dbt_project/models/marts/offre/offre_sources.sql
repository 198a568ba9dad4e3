-- The offer's source families, one row each, from the dbt var `offre_sources` (dbt_project.yml):
-- the one list of them, also read by the macros offre_tables_sources / offre_tables_services.
-- Text values are quoted here ('' for a quote); an empty text is NULL.
select
    cast(table_source as varchar) as table_source,
    cast(libelle as varchar) as libelle,
    cast(nullif(reseau_porteur_defaut, '') as varchar) as reseau_porteur_defaut,
    cast(priorite as integer) as priorite,
    cast(a_des_services as varchar) as a_des_services,
    cast(nullif(description, '') as varchar) as description
from (
    values
    {%- for s in var('offre_sources') %}
        {%- set t = [] %}
        {%- for champ in ['table_source', 'libelle', 'reseau_porteur_defaut', 'a_des_services', 'description'] %}
            {%- do t.append("'" ~ ((s[champ] if s[champ] is not none else '') | string | replace("'", "''")) ~ "'") %}
        {%- endfor %}
        ({{ t[0] }}, {{ t[1] }}, {{ t[2] }}, {{ s.priorite | int }}, {{ t[3] }}, {{ t[4] }}){{ "," if not loop.last }}
    {%- endfor %}
) as t(table_source, libelle, reseau_porteur_defaut, priorite, a_des_services, description)
order by priorite
