with source as (
    select * from {{ source('raw', 'cog_regions') }}
),

renamed as (
    select
        cast(reg as varchar) as code_region,
        nom as libelle,
        cast(chef_lieu as varchar) as code_chef_lieu,
        zone
    from source
),

final as (
    select * from renamed
)

select * from final
