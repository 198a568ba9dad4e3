{#-
  The offer lists each département's structures come from, by their names (mart offre_sources, in
  its order of reliability), e.g. « Missions locales, Agences France Travail, Structures de l'IAE »:
  the source the report's offer tables and maps cite.
-#}
with tables as (
    select distinct code_departement, unnest(tables_sources) as table_source
    from {{ ref('structures') }}
    where code_departement is not null
)

select
    t.code_departement,
    string_agg(s.libelle, ', ' order by s.priorite) as sources_offre
from tables as t
inner join {{ ref('offre_sources') }} as s using (table_source)
group by t.code_departement
