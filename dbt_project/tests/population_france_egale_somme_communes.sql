{{ config(meta={'dagster': {'ref': {'name': 'territoires'}}}) }}
-- The population of France, of each région and each département equals the sum of the legal
-- populations of its communes in the COG 2026 file (rows returned = mismatches).
with cog as (
    select cast(dep as varchar) as code_departement, sum(population_municipale) as population_cog
    from {{ source('raw', 'cog_communes') }}
    where type = 'commune-actuelle'
    group by 1
)

select t.code_territoire, t.population, cog.population_cog
from {{ ref('territoires') }} as t
inner join cog on cog.code_departement = t.code_territoire
where t.niveau = 'departement' and t.population is distinct from cog.population_cog
