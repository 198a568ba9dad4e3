{{ config(meta={'dagster': {'ref': {'name': 'indicateurs'}}}) }}
-- The census 2021 counts of each département come out of marts.indicateurs (unemployed and active
-- 15-64 of the département row) equal to the sums of the source's commune and arrondissement rows:
-- nothing lost or counted twice by the postcode rows, the communes déléguées or the mapping to
-- COG 2026 (rows returned = differences).
with source as (
    select cast(insee_dep as varchar) as code_departement,
        sum(pop_15_64_chomage_2021) as chomeurs, sum(pop_15_64_active_2021) as actifs
    from {{ source('raw', 'rp_comparateur_2021') }}
    where commune_type in ('COM', 'ARM')
    group by 1
)

select s.code_departement, s.chomeurs, s.actifs, i.numerateur, i.denominateur
from source as s
left join {{ ref('indicateurs') }} as i
    on i.niveau = 'departement' and i.code_territoire = s.code_departement
    and i.code_indicateur = 'taux_chomage_15_64' and i.annee = 2021
where i.numerateur is distinct from s.chomeurs or i.denominateur is distinct from s.actifs
