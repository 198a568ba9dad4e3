{{ config(meta={'dagster': {'ref': {'name': 'indicateurs'}}}) }}
-- Counts summed to France equal the source totals without the arrondissements municipaux that
-- duplicate Paris, Lyon and Marseille (guards against double counting and lost rows in the
-- harmonisation to COG 2026). Rows returned = indicators whose France numerator differs.
with source_ft as (
    select sum(cast(nb_demandeurs_emploi as double)) as total
    from {{ source('raw', 'ft_demandeurs_emploi_communes') }}
    where not regexp_full_match(code_insee, '751(0[1-9]|1\d|20)|6938[1-9]|132(0[1-9]|1[0-6])')
        and left(code_insee, 3) not in ('975', '977', '978', '984', '986', '987', '988', '989')
),

mart as (
    select numerateur
    from {{ ref('indicateurs') }}
    where niveau = 'france' and code_indicateur = 'demandeurs_emploi_pour_100_habitants'
)

select 'demandeurs_emploi' as mesure, s.total, m.numerateur
from source_ft as s
left join mart as m on true
where m.numerateur is distinct from s.total
