-- The standardised profile of every département of the COG (DROM included) on which the comparable
-- départements are found: one row per département and variable of the seed comparables_variables
-- (need indicators and context), with the value, its transformation (log for density and size),
-- and its z-score against all départements that have a value.
--
-- Year of each indicator: the most recent among the years where the most départements have a
-- value (taux_chomage_15_64: 2021, national, not 2022 which only the 93 has). Context: density =
-- population (marts.territoires) / area of the département outline; overseas départements form a
-- group of their own (`groupe_comparaison`) and are compared only among themselves.
{% set plafond = var('comparables_plafond_score_z', 3) %}
with variables as (
    select * from {{ ref('comparables_variables') }}
),

departements as (
    -- the COG's départements of France (zone metro or drom; overseas collectivities have no data)
    select t.code_territoire as code_departement, t.libelle, t.population, t.code_region,
        g.surface_km2, case c.zone when 'drom' then 'outre_mer' else 'metropole' end as groupe_comparaison
    from {{ ref('territoires') }} as t
    inner join {{ ref('stg_cog__departements') }} as c on c.code_departement = t.code_territoire
    left join {{ source('raw', 'geo_departements') }} as g on g.dep = t.code_territoire
    where t.niveau = 'departement' and c.zone in ('metro', 'drom')
),

indicateurs_departement as (
    select i.code_territoire as code_departement, i.code_indicateur, i.annee, i.valeur
    from {{ ref('indicateurs') }} as i
    where i.niveau = 'departement' and i.valeur is not null
        and i.code_indicateur in (select code_indicateur from variables where code_indicateur is not null)
),

annees as (
    select code_indicateur, annee
    from indicateurs_departement
    group by code_indicateur, annee
    qualify row_number() over (partition by code_indicateur order by count(*) desc, annee desc) = 1
),

valeurs as (
    select v.code_variable, i.code_departement, i.annee, i.valeur
    from variables as v
    inner join annees as a on a.code_indicateur = v.code_indicateur
    inner join indicateurs_departement as i on i.code_indicateur = a.code_indicateur and i.annee = a.annee
    union all
    select 'densite_log', code_departement, null, population / nullif(surface_km2, 0)
    from departements where population > 0 and surface_km2 > 0
    union all
    select 'population_log', code_departement, null, population
    from departements where population > 0
),

transformees as (
    select
        v.*,
        case when va.transformation = 'log' then ln(v.valeur) else v.valeur end as valeur_transformee
    from valeurs as v
    inner join variables as va using (code_variable)
),

statistiques as (
    select code_variable, avg(valeur_transformee) as moyenne, stddev_samp(valeur_transformee) as ecart_type,
        count(*) as nb_departements
    from transformees
    group by code_variable
),

final as (
    select
        d.code_departement,
        d.libelle as libelle_departement,
        d.code_region,
        d.groupe_comparaison,
        va.code_variable,
        va.libelle as libelle_variable,
        va.libelle_court as libelle_court_variable,
        va.famille,
        va.poids,
        t.annee,
        round(t.valeur, 4) as valeur,
        round(t.valeur_transformee, 6) as valeur_transformee,
        round(s.moyenne, 6) as moyenne_nationale,
        round(s.ecart_type, 6) as ecart_type_national,
        round((t.valeur_transformee - s.moyenne) / nullif(s.ecart_type, 0), 6) as score_z,
        -- capped, so that one extreme value (the 93's share of people in QPV, 5 standard deviations)
        -- does not decide the peers alone
        round(greatest(-{{ plafond }}, least({{ plafond }}, (t.valeur_transformee - s.moyenne) / nullif(s.ecart_type, 0))), 6)
            as score_z_plafonne,
        s.nb_departements
    from departements as d
    cross join variables as va
    left join transformees as t on t.code_departement = d.code_departement and t.code_variable = va.code_variable
    left join statistiques as s on s.code_variable = va.code_variable
)

select * from final
