-- Mouvements de communes (COG 2023): one row per (event, commune before, commune after).
with source as (
    select * from {{ source('raw', 'cog_mouvements') }}
),

renamed as (
    select
        cast(mod as integer) as code_evenement,
        cast(date_eff as date) as date_effet,
        typecom_av as type_avant,
        cast(com_av as varchar) as code_avant,
        libelle_av as libelle_avant,
        typecom_ap as type_apres,
        cast(com_ap as varchar) as code_apres,
        libelle_ap as libelle_apres
    from source
),

final as (
    select * from renamed
)

select * from final
