with source as (
    select * from {{ source('raw', 'anct_grille_centralite') }}
),

renamed as (
    select
        cast(insee_com as varchar) as code_commune_source,
        lib_com as libelle_commune,
        nullif(trim(niveau_centralite), '') as niveau_centralite
    from source
),

final as (
    select * from renamed
)

select * from final
