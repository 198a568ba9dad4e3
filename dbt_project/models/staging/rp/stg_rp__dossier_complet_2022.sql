with source as (
    select * from {{ source('raw', 'rp_dossier_complet_2022') }}
),

renamed as (
    select
        cast(codgeo as varchar) as code_commune_source,
        cast(p22_pop0014 as double) as population_0_14,
        cast(p22_pop1529 as double) as population_15_29,
        cast(p22_pop3044 as double) as population_30_44,
        cast(p22_pop4559 as double) as population_45_59,
        cast(p22_pop6074 as double) as population_60_74,
        cast(p22_pop7589 as double) as population_75_89,
        cast(p22_pop90p as double) as population_90_plus,
        cast(c22_menpseul as double) as menages_une_personne,
        cast(c22_menfam as double) as menages_famille,
        cast(c22_coupaenf as double) as familles_couples_avec_enfants,
        cast(c22_fammono as double) as familles_monoparentales,
        cast(c22_coupsenf as double) as familles_couples_sans_enfant,
        cast(p22_act1524 as double) as actifs_15_24,
        cast(p22_chom1524 as double) as chomeurs_15_24
    from source
),

final as (
    select * from renamed
)

select * from final
