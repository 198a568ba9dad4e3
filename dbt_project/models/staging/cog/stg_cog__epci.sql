-- EPCI à fiscalité propre (CC, CA, CU, METRO, MET69) and the 11 EPT of the Grand Paris.
with source as (
    select * from {{ source('raw', 'cog_epci') }}
),

renamed as (
    select
        cast(epci_siren as varchar) as code_epci,
        nom as libelle,
        type as type_epci,
        type = 'EPT' as est_ept,
        mode_financement,
        cast(population_municipale as bigint) as population_municipale_dgcl,
        cast(nb_communes as integer) as nb_communes
    from source
),

final as (
    select * from renamed
)

select * from final
