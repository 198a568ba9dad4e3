{{ config(meta={'dagster': {'ref': {'name': 'int_offre__services_domaines'}}}) }}
-- Fails when the share of the catalogue's services (real and implicit) that got a commune of the
-- COG 2026 is below the dbt var offre_part_localisee_minimum (one row giving the figures).
with services as (
    select distinct id_service, id_structure from {{ ref('int_offre__services_domaines') }}
),

localisation as (
    select
        count(*) as nb_services,
        count(*) filter (where coalesce(l.code_commune, st.code_commune) is not null) as nb_localises
    from services as s
    left join {{ ref('int_offre__lieux_localises') }} as l on l.type_lieu = 'service' and l.cle = s.id_service
    left join {{ ref('structures') }} as st on st.id_structure = s.id_structure
)

select nb_services, nb_localises, nb_localises * 1.0 / nullif(nb_services, 0) as part_localisee
from localisation
where nb_services = 0 or nb_localises * 1.0 / nb_services < {{ var('offre_part_localisee_minimum') }}
