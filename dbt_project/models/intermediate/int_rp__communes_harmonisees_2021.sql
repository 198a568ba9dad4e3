-- Census 2021 counts (COG 2024) summed to COG 2026 communes. Arrondissements municipaux map to
-- their commune (Paris, Lyon and Marseille have figures only there); communes merged since 2024
-- are summed into the commune that absorbed them. Counts only: rates are recomputed from them.
with source as (
    select * from {{ ref('stg_rp__comparateur_2021') }}
),

correspondance as (
    select * from {{ ref('int_communes__correspondance') }}
),

final as (
    select
        co.code_commune,
        count(*) as nb_communes_source,
        sum(s.population) as population,
        sum(s.nb_menages) as nb_menages,
        sum(s.naissances_2022) as naissances_2022,
        sum(s.population_15_64) as population_15_64,
        sum(s.chomeurs_15_64) as chomeurs_15_64,
        sum(s.actifs_15_64) as actifs_15_64
    from source as s
    inner join correspondance as co on co.code_commune_source = s.code_commune_source
    group by co.code_commune
)

select * from final
