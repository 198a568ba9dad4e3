-- Published poverty rates of the départements (Filosofi 2021). Intensity is published as a
-- fraction (0,204) and turned into a percentage here.
with source as (
    select * from {{ source('raw', 'filosofi_pauvrete_departements_2021') }}
),

renamed as (
    select
        cast(codgeo as varchar) as code_departement,
        cast(tp4021 as double) as taux_pauvrete_40,
        cast(tp5021 as double) as taux_pauvrete_50,
        cast(tp6021 as double) as taux_pauvrete,
        cast(tp60q221 as double) as mediane_niveau_vie_pauvres,
        cast(tp60ip21 as double) * 100 as intensite_pauvrete,
        {{ est_secret('tp6021') }} as taux_pauvrete_secret
    from source
),

final as (
    select * from renamed
)

select * from final
