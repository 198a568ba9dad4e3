with source as (select * from {{ source('raw', 'cog_departements') }}),
final as (select dep as code_departement, nom as libelle, reg as code_region, zone from source)
select * from final
