-- Filosofi 2021 by commune, COG 2023 codes (not yet harmonised to COG 2026).
with source as (
    select * from {{ source('raw', 'filosofi_communes_2021') }}
),

renamed as (
    select
        cast(codgeo as varchar) as code_commune_source,
        cast(nbmenfisc21 as double) as nb_menages_fiscaux,
        cast(nbpersmenfisc21 as double) as nb_personnes_menages_fiscaux,
        cast(med21 as double) as mediane_niveau_vie,
        cast(tp6021 as double) as taux_pauvrete,
        cast(d121 as double) as decile_1,
        cast(d921 as double) as decile_9,
        cast(rd21 as double) as rapport_interdecile,
        {{ est_secret('nbmenfisc21') }} as nb_menages_fiscaux_secret,
        {{ est_secret('med21') }} as mediane_niveau_vie_secret,
        {{ est_secret('tp6021') }} as taux_pauvrete_secret,
        {{ est_secret('d121') }} as decile_1_secret,
        {{ est_secret('d921') }} as decile_9_secret,
        {{ est_secret('rd21') }} as rapport_interdecile_secret
    from source
),

final as (
    select * from renamed
)

select * from final
