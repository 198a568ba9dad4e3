-- Census 2022 (geography 2025) key counts. RP counts are weighted estimates (decimals kept).
with source as (
    select * from {{ source('raw', 'rp_comparateur_2022') }}
),

renamed as (
    select
        cast(codgeo as varchar) as code_commune_source,
        cast(p22_pop as double) as population,
        cast(superf as double) as superficie_km2,
        cast(p22_men as double) as nb_menages,
        cast(p22_rp as double) as nb_residences_principales,
        cast(p22_rp_prop as double) as nb_residences_principales_proprietaires,
        cast(p22_pop1564 as double) as population_15_64,
        cast(p22_chom1564 as double) as chomeurs_15_64,
        cast(p22_act1564 as double) as actifs_15_64
    from source
),

final as (
    select * from renamed
)

select * from final
