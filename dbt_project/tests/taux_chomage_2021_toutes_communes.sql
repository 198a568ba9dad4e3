{{ config(meta={'dagster': {'ref': {'name': 'indicateurs'}}}) }}
-- Every commune of France (métropole and DROM, COG 2026) has an unemployment rate 15-64 of the
-- census 2021 in marts.indicateurs, except where the rate does not exist: no active person aged
-- 15-64 (uninhabited villages of the Meuse, hamlets), census figures not published (Mayotte,
-- communes restored in 2024: NULL with `_indisponible` in the raw table) or a commune restored
-- after the census geography, absent from the source (its figures are in the commune it left).
-- Rows returned = communes without a rate and without one of these reasons.
with rp as (
    select * from {{ ref('int_rp__communes_harmonisees_2021') }}
)

select c.code_commune, c.code_departement, rp.actifs_15_64
from {{ ref('int_communes__hierarchie') }} as c
left join rp on rp.code_commune = c.code_commune
where c.dans_france_entiere
    and rp.code_commune is not null
    and coalesce(rp.actifs_15_64, -1) <> 0
    and not (rp.actifs_15_64 is null and exists (
        select 1
        from {{ source('raw', 'rp_comparateur_2021') }} as s
        inner join {{ ref('int_communes__correspondance') }} as co on co.code_commune_source = s.insee_com
        where co.code_commune = c.code_commune and s.commune_type in ('COM', 'ARM')
            and list_contains(s._indisponible, 'pop_15_64_active_2021')
    ))
    and not exists (
        select 1 from {{ ref('indicateurs') }} as i
        where i.niveau = 'commune' and i.code_territoire = c.code_commune
            and i.code_indicateur = 'taux_chomage_15_64' and i.annee = 2021 and i.valeur is not null
    )
