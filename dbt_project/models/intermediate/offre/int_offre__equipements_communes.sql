-- BPE 2018 equipments that measure a Pacte domain (seed offre_bpe_types), brought from COG 2018 to
-- COG 2026 through the commune correspondence (mergers in the mouvements, arrondissements of
-- Paris, Lyon and Marseille → their commune): counts summed, one row per 2026 commune × domain ×
-- type. BPE counts equipments, not places.
with bpe as (
    select * from {{ ref('stg_bpe__equipements_2018') }}
),

types as (
    select type_equipement, code_domaine from {{ ref('offre_bpe_types') }}
    where nullif(code_domaine, '') is not null
),

correspondance as (
    select * from {{ ref('int_communes__correspondance') }}
),

final as (
    select
        co.code_commune,
        t.code_domaine,
        b.type_equipement,
        sum(b.nb_equipements) as nb_equipements,
        count(distinct b.code_commune_source) as nb_communes_source
    from bpe as b
    inner join types as t on t.type_equipement = b.type_equipement
    inner join correspondance as co on co.code_commune_source = b.code_commune_source
    group by all
)

select * from final
