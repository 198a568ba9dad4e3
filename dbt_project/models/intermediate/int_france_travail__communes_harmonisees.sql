-- Job seekers (early 2025) summed to COG 2026 communes.
with brut as (
    select * from {{ ref('stg_france_travail__demandeurs_emploi_communes') }}
),

-- Paris, Lyon and Marseille are listed both as communes and as arrondissements
source as (
    {{ sans_arrondissements_en_double('brut', 'code_commune_source') }}
),

final as (
    select
        co.code_commune,
        count(*) as nb_communes_source,
        case when bool_and(s.demandeurs_emploi is not null) then sum(s.demandeurs_emploi) end as demandeurs_emploi,
        bool_or(s.demandeurs_emploi_secret) as demandeurs_emploi_secret
    from source as s
    inner join {{ ref('int_communes__correspondance') }} as co on co.code_commune_source = s.code_commune_source
    group by co.code_commune
)

select * from final
