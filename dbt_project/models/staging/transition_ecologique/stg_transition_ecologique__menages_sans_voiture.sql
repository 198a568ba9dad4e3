-- Share of households without a car, 411 communes of the Nord and the Pas-de-Calais. Derived by a
-- third party from INSEE census files (1 − households with at least one car / households);
-- values unchanged, in percent.
with source as (
    select * from {{ source('raw', 'te_cadre_urbain_59_62') }}
),

renamed as (
    select
        cast(code_insee as varchar) as code_commune_source,
        cast(dep as varchar) as code_departement_source,
        cast(population_municipale as double) as population_source,
        cast(part_menages_sans_voiture as double) as part_menages_sans_voiture
    from source
),

final as (
    select * from renamed
)

select * from final
