{{ config(meta={'dagster': {'ref': {'name': 'indicateurs'}}}) }}
-- Every published département poverty rate of Filosofi 2021 comes out of marts.indicateurs
-- unchanged and flagged 'publie' (e.g. Seine-Saint-Denis 28.4 %). Rows returned = differences.
with publies as (
    select cast(codgeo as varchar) as code_departement, cast(tp6021 as double) as taux_publie
    from {{ source('raw', 'filosofi_pauvrete_departements_2021') }}
    where tp6021 is not null
)

select p.code_departement, p.taux_publie, i.valeur, i.methode
from publies as p
left join {{ ref('indicateurs') }} as i
    on i.niveau = 'departement' and i.code_territoire = p.code_departement
    and i.code_indicateur = 'taux_pauvrete' and i.annee = 2021
where i.valeur is distinct from p.taux_publie or i.methode is distinct from 'publie'
