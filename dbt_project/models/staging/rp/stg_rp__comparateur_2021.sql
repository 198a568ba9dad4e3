-- Census 2021 (COG 2024) for every commune. Communes déléguées (COMD) repeat the figures of
-- their commune nouvelle and are left out; arrondissements (ARM) are kept, since Paris, Lyon and
-- Marseille have figures only there. Counts are whole numbers as published.
with source as (
    select * from {{ source('raw', 'rp_comparateur_2021') }}
),

renamed as (
    select
        cast(insee_com as varchar) as code_commune_source,
        cast(commune_type as varchar) as type_commune_source,
        cast(insee_dep as varchar) as code_departement_source,
        cast(population_2021 as double) as population,
        cast(menages_2021 as double) as nb_menages,
        cast(naissances_2022 as double) as naissances_2022,
        cast(pop_15_64_totale_2021 as double) as population_15_64,
        cast(pop_15_64_chomage_2021 as double) as chomeurs_15_64,
        cast(pop_15_64_active_2021 as double) as actifs_15_64
    from source
    where commune_type in ('COM', 'ARM')
),

final as (
    select * from renamed
)

select * from final
