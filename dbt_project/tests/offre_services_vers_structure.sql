{{ config(meta={'dagster': {'ref': {'name': 'int_offre__services_unis'}}}) }}
-- Fails on every service of the catalogue (as read, before mapping to domains) whose structure is
-- missing from the deduplicated structures: no service may be lost between the two.
select sv.cle_service, sv.cle_structure
from {{ ref('int_offre__services_unis') }} as sv
left join {{ ref('int_offre__structures_dedoublonnees') }} as d on d.cle_structure = sv.cle_structure
left join {{ ref('structures') }} as st on st.id_structure = d.id_structure
where st.id_structure is null
