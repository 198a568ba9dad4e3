with source as (
    select * from {{ source('raw', 'cog_departements') }}
),

renamed as (
    select
        cast(dep as varchar) as code_departement,
        nom as libelle,
        cast(reg as varchar) as code_region,
        cast(chef_lieu as varchar) as code_chef_lieu,
        zone
    from source
),

final as (
    select * from renamed
)

select * from final
