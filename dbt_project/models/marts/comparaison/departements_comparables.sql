-- The comparable départements of every département: its k closest peers (dbt var
-- comparables_nombre_pairs) in the same group (metropole / outre_mer) by the weighted Euclidean
-- distance between standardised profiles (marts.departements_profil):
--
--     distance(a, b) = sqrt( Σ poids_v × (z_a,v − z_b,v)² / Σ poids_v )
--
-- summed over the variables both départements have (a missing value drops the variable from the
-- pair, the division by the weights keeps distances comparable); a pair sharing fewer than
-- comparables_variables_minimum variables is not compared. Ties are broken by code.
{% set k = var('comparables_nombre_pairs', 6) %}
{% set minimum = var('comparables_variables_minimum', 4) %}
with profil as (
    select code_departement, libelle_departement, groupe_comparaison, code_variable, poids,
        score_z_plafonne as score_z
    from {{ ref('departements_profil') }}
),

departements as (
    select distinct code_departement, libelle_departement, groupe_comparaison from profil
),

paires as (
    select
        a.code_departement,
        b.code_departement as code_departement_pair,
        sqrt(sum(a.poids * power(a.score_z - b.score_z, 2)) / sum(a.poids)) as distance,
        count(*) as nb_variables_communes
    from profil as a
    inner join profil as b
        on b.code_variable = a.code_variable
        and b.groupe_comparaison = a.groupe_comparaison
        and b.code_departement <> a.code_departement
    where a.score_z is not null and b.score_z is not null
    group by a.code_departement, b.code_departement
    having count(*) >= {{ minimum }}
),

classees as (
    select
        *,
        row_number() over (partition by code_departement order by distance, code_departement_pair) as rang
    from paires
),

final as (
    select
        c.code_departement,
        d.libelle_departement,
        d.groupe_comparaison,
        c.rang,
        c.code_departement_pair,
        p.libelle_departement as libelle_pair,
        round(c.distance, 4) as distance,
        c.nb_variables_communes,
        'Distance euclidienne pondérée entre profils centrés réduits (besoins et contexte), '
            || 'même groupe (métropole ou outre-mer), {{ k }} plus proches' as methode
    from classees as c
    inner join departements as d on d.code_departement = c.code_departement
    inner join departements as p on p.code_departement = c.code_departement_pair
    where c.rang <= {{ k }}
)

select * from final
