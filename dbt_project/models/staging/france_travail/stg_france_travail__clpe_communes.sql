with source as (
    select * from {{ source('raw', 'ft_clpe_communes') }}
),

renamed as (
    select
        cast(commune_id as varchar) as code_commune_source,
        cast(territoire_id as varchar) as code_clpe,
        territoire_libelle as libelle_clpe,
        cast(departement_id as varchar) as code_departement
    from source
),

final as (
    select * from renamed
)

select * from final
