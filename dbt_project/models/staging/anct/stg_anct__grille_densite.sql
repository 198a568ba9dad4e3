with source as (
    select * from {{ source('raw', 'anct_grille_densite') }}
),

renamed as (
    select
        cast(insee_com as varchar) as code_commune_source,
        lib_com as libelle_commune,
        nullif(trim(niveau_densite), '') as niveau_densite
    from source
),

final as (
    select * from renamed
)

select * from final
