-- DORA seed (Sept. 2023): job seekers (probably category A) and RSA recipients registered at France Travail.
with source as (
    select * from {{ source('raw', 'dora_stats_insertion_departements') }}
),

renamed as (
    select
        cast(code_departement as varchar) as code_departement,
        cast(num_dea_202309 as double) as demandeurs_emploi,
        cast(num_brsa_202309 as double) as beneficiaires_rsa_inscrits_france_travail
    from source
),

final as (
    select
        -- the seed writes single-digit départements without their leading zero
        case when length(code_departement) = 1 then '0' || code_departement else code_departement end
            as code_departement,
        demandeurs_emploi,
        beneficiaires_rsa_inscrits_france_travail
    from renamed
)

select * from final
