-- Warns on every thématique, network or v0 typology met in the offer that no correspondence seed
-- knows (statut `inconnue` in marts.thematiques_non_rattachees): add it to
-- seeds/offre_correspondance_domaines.csv (with an empty code_domaine when it is out of the Pacte).
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'thematiques_non_rattachees'}}}) }}
select * from {{ ref('thematiques_non_rattachees') }} where statut = 'inconnue'
