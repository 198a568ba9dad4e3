-- Filosofi 2021 by IRIS: DECLARED income (before taxes and benefits), not the disposable-income
-- poverty rate. Kept for local analyses; not used by the need indicators.
with source as (
    select * from {{ source('raw', 'filosofi_iris_2021') }}
),

renamed as (
    select
        cast(iris as varchar) as code_iris,
        cast(code_commune as varchar) as code_commune_source,
        cast(dec_med21 as double) as mediane_revenu_declare,
        cast(dec_tp6021 as double) as part_sous_60_pourcent_revenu_declare,
        cast(dec_d121 as double) as decile_1_revenu_declare,
        cast(dec_d921 as double) as decile_9_revenu_declare,
        cast(dec_rd21 as double) as rapport_interdecile_revenu_declare,
        cast(dec_note21 as varchar) as note_qualite,
        {{ est_secret('dec_med21') }} as mediane_revenu_declare_secret
    from source
),

final as (
    select * from renamed
)

select * from final
