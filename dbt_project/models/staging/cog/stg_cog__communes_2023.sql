-- COG 2023: the geography of Filosofi 2021.
with source as (
    select * from {{ source('raw', 'cog_communes_2023') }}
),

renamed as (
    select
        typecom as type_commune,
        cast(com as varchar) as code_commune,
        cast(dep as varchar) as code_departement,
        cast(reg as varchar) as code_region,
        libelle,
        cast(comparent as varchar) as code_commune_parente
    from source
),

final as (
    select * from renamed
)

select * from final
