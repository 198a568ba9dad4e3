{{ config(meta={'dagster': {'ref': {'name': 'territoires'}}}) }}
-- Every département has in marts.territoires exactly as many communes as the COG 2026 file
-- counts communes actuelles (rows returned = départements where the counts differ).
with cog as (
    select cast(dep as varchar) as code_departement, count(*) as nb_communes_cog
    from {{ source('raw', 'cog_communes') }}
    where type = 'commune-actuelle'
    group by 1
),

mart as (
    select code_departement, count(*) as nb_communes_mart
    from {{ ref('territoires') }}
    where niveau = 'commune'
    group by 1
)

select
    coalesce(cog.code_departement, mart.code_departement) as code_departement,
    cog.nb_communes_cog,
    mart.nb_communes_mart
from cog
full outer join mart on mart.code_departement = cog.code_departement
where cog.nb_communes_cog is distinct from mart.nb_communes_mart
