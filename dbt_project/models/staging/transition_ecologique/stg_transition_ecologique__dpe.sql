-- Energy labels of the diagnosed dwellings (ADEME « DPE logements existants » since 2021), 411
-- communes of the Nord and the Pas-de-Calais, derived by a third party. Shares are of the diagnosed
-- dwellings, not of the whole stock; `logements_diagnostiques` is their number.
with source as (
    select * from {{ source('raw', 'te_dpe_59_62') }}
),

renamed as (
    select
        cast(code_insee as varchar) as code_commune_source,
        cast(dep as varchar) as code_departement_source,
        cast(dpe_n as double) as logements_diagnostiques,
        cast(part_passoires_pct as double) as part_passoires_f_g,
        cast(part_dpe_g_pct as double) as part_dpe_g,
        cast(dpe_echantillon_faible = 'True' as boolean) as echantillon_faible
    from source
),

final as (
    select * from renamed
)

select * from final
