-- DORA seed (Sept. 2023): job seekers (probably category A) and RSA recipients registered at France Travail.
with renamed as (
    {{ select_typed(source('raw', 'dora_stats_insertion_departements')) }}
)

select
    -- the seed writes single-digit départements without their leading zero
    case when length(code_departement) = 1 then '0' || code_departement else code_departement end
        as code_departement,
    demandeurs_emploi,
    beneficiaires_rsa_inscrits_france_travail
from renamed
