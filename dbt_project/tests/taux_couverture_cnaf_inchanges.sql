{{ config(meta={'dagster': {'ref': {'name': 'indicateurs'}}}) }}
-- Every CNAF coverage rate of a commune whose CNAF perimeter is the whole COG 2026 commune comes out
-- of marts.indicateurs unchanged and flagged 'publie'; every other commune value is flagged
-- 'recalcule' (rows returned = differences).
with harmonises as (
    select * from {{ ref('int_cnaf__couverture_communes') }}
),

publies as (
    select h.code_commune, h.annee, t.taux_couverture_global as taux_publie
    from harmonises as h
    inner join {{ ref('stg_cnaf__taux_couverture_communes') }} as t
        on t.code_commune_source = h.code_commune_cnaf and t.annee = h.annee
    where h.perimetre_identique
)

select coalesce(p.code_commune, i.code_territoire) as code_commune, coalesce(p.annee, i.annee) as annee,
    p.taux_publie, i.valeur, i.methode
from publies as p
full outer join (
    select * from {{ ref('indicateurs') }}
    where niveau = 'commune' and code_indicateur = 'taux_couverture_accueil_jeune_enfant'
) as i on i.code_territoire = p.code_commune and i.annee = p.annee
where (p.code_commune is not null and (i.valeur is distinct from p.taux_publie or i.methode is distinct from 'publie'))
    or (p.code_commune is null and i.methode is distinct from 'recalcule')
