-- QPV of the 2024 list × their COG 2026 communes (a QPV over several communes has one row per commune).
with source as (
    select * from {{ ref('stg_qpv__communes_2024') }}
),

final as (
    select distinct
        s.code_qpv,
        s.libelle_qpv,
        co.code_commune,
        s.code_departement
    from source as s
    inner join {{ ref('int_communes__correspondance') }} as co on co.code_commune_source = s.code_commune_source
)

select * from final
