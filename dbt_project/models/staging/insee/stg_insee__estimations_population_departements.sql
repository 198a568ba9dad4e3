-- Population estimates on 1 January, both sexes only (sexe = 'ensemble').
with source as (
    select * from {{ source('raw', 'estimations_population_departements') }}
),

renamed as (
    select
        cast(annee as integer) as annee,
        cast(dep as varchar) as code_departement,
        nom as libelle,
        lower(sexe) as sexe,
        cast(a0_4 as double) as population_0_4,
        cast(a15_19 as double) + cast(a20_24 as double) as population_15_24,
        cast(atotal as double) as population_totale
    from source
),

final as (
    select * from renamed where sexe = 'ensemble'
)

select * from final
