-- NEET rates published at each level; codes are the 2021-2022 ones.
with source as (
    select * from {{ source('raw', 'neet') }}
),

renamed as (
    select
        niveau,
        cast(codgeo as varchar) as code_territoire_source,
        libgeo as libelle,
        cast(annee as integer) as annee,
        cast(part_non_inseres as double) as part_non_inseres,
        {{ est_secret('part_non_inseres') }} as part_non_inseres_secret
    from source
),

final as (
    select * from renamed
)

select * from final
