with source as (
    select * from {{ source('raw', 'cog_epci_membres') }}
),

renamed as (
    select
        cast(epci_siren as varchar) as code_epci,
        epci_type as type_epci,
        cast(code_insee as varchar) as code_commune,
        commune_nom as libelle_commune
    from source
),

final as (
    select * from renamed
)

select * from final
