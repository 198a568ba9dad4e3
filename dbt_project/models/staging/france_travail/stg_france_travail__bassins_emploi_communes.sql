with source as (
    select * from {{ source('raw', 'ft_bassins_emploi_communes') }}
),

renamed as (
    select
        cast(code_insee as varchar) as code_commune_source,
        cast(dep as varchar) as code_departement,
        bassin_emploi as libelle_bassin_emploi
    from source
),

final as (
    select * from renamed
)

select * from final
