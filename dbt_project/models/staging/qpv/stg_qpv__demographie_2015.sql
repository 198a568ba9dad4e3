-- QPV of the 2015 list (codes QP + 3-character département + number). `libelle_communes` lists
-- the communes of the group the QPV belongs to; `population_qpv_groupe` / `population_communes_groupe`
-- are the QPV and total populations of that group of communes.
with source as (
    select * from {{ source('raw', 'qpv_demographie_2015') }}
),

renamed as (
    select
        cast(codgeo as varchar) as code_qpv_2015,
        libgeo as libelle_qpv,
        cast(pop_mun as double) as population_qpv,
        cast(pop_com_qp as double) as population_qpv_groupe,
        cast(pop_com as double) as population_communes_groupe,
        lib_com as libelle_communes,
        {{ est_secret('pop_mun') }} as population_qpv_secret
    from source
),

final as (
    select
        *,
        case
            when substr(code_qpv_2015, 3, 2) = '02' then substr(code_qpv_2015, 4, 2)
            when substr(code_qpv_2015, 3, 2) = '97' then substr(code_qpv_2015, 3, 3)
            else substr(code_qpv_2015, 4, 2)
        end as code_departement
    from renamed
)

select * from final
