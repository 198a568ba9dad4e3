-- CNAF childcare coverage (places per 100 children under 3) on COG 2026 communes, with counts that
-- can be summed. The CNAF publishes the rate and, in a second file, the places, not the children:
-- children under 3 are estimated per CNAF row as places × 100 / rate (the rate is rounded to 0.1,
-- so the estimate is within about 0.3 % for a rate above 20).
--   * one CNAF row that is the whole 2026 commune (no other commune of that year's geography merged
--     into it since): the published rate, unchanged (methode 'publie');
--   * several CNAF rows making up the whole 2026 commune (arrondissements of Paris, Lyon and
--     Marseille; communes merged since, e.g. Saint-Denis with Pierrefitte-sur-Seine in 2025): the rate
--     is recomputed as summed places / summed estimated children (methode 'recalcule');
--   * a 2026 commune of which a part has no CNAF row (under 10 000 inhabitants): no value.
-- Rates are never averaged.
with taux as (
    select * from {{ ref('stg_cnaf__taux_couverture_communes') }}
),

correspondance as (
    select * from {{ ref('int_communes__correspondance') }}
),

communes_2023 as (
    select * from {{ ref('stg_cog__communes_2023') }}
),

annees as (
    select distinct annee from taux
),

-- the communes of the geography of each CNAF year (data of December): COG 2023 communes and those
-- absorbed after 1 January of that year; a commune with arrondissements counts by arrondissement
communes_annee as (
    select a.annee, c.code_commune
    from annees as a
    cross join communes_2023 as c
    where c.type_commune = 'COM'

    union

    select a.annee, m.code_avant
    from annees as a
    inner join {{ ref('stg_cog__mouvements') }} as m on m.date_effet > make_date(a.annee, 1, 1)
    where m.type_avant = 'COM' and m.code_evenement in (31, 32, 33, 34)
),

composantes as (
    select c.annee, coalesce(arm.code_commune, c.code_commune) as code_composante
    from communes_annee as c
    left join communes_2023 as arm on arm.type_commune = 'ARM' and arm.code_commune_parente = c.code_commune
),

composantes_2026 as (
    select c.annee, co.code_commune, c.code_composante
    from composantes as c
    inner join correspondance as co on co.code_commune_source = c.code_composante
),

lignes as (
    select
        t.annee,
        t.code_commune_source,
        co.code_commune,
        t.taux_couverture_global,
        p.places_accueil_formel,
        case when t.taux_couverture_global > 0
            then p.places_accueil_formel * 100 / t.taux_couverture_global end as enfants_moins_3_ans_estimes
    from taux as t
    inner join correspondance as co on co.code_commune_source = t.code_commune_source
    left join {{ ref('stg_petite_enfance__cnaf_places_communes') }} as p on p.annee = t.annee and p.code_commune_source = t.code_commune_source
),

par_commune as (
    select
        l.annee,
        l.code_commune,
        count(*) as nb_lignes_cnaf,
        any_value(l.code_commune_source) as code_commune_cnaf,
        any_value(l.taux_couverture_global) as taux_unique,
        sum(l.places_accueil_formel) as places_accueil_formel,
        sum(l.enfants_moins_3_ans_estimes) as enfants_moins_3_ans_estimes,
        bool_and(l.enfants_moins_3_ans_estimes is not null) as estimations_completes,
        list(l.code_commune_source order by l.code_commune_source) as codes_cnaf
    from lignes as l
    group by l.annee, l.code_commune
),

completude as (
    select
        p.annee,
        p.code_commune,
        count(c.code_composante) as nb_composantes,
        bool_and(list_contains(p.codes_cnaf, c.code_composante)) as complete
    from par_commune as p
    left join composantes_2026 as c on c.annee = p.annee and c.code_commune = p.code_commune
    group by p.annee, p.code_commune
),

final as (
    select
        p.code_commune,
        p.annee,
        p.code_commune_cnaf,
        p.nb_lignes_cnaf,
        c.nb_composantes,
        p.nb_lignes_cnaf = 1 and c.nb_composantes = 1 and c.complete as perimetre_identique,
        case
            when p.nb_lignes_cnaf = 1 and c.nb_composantes = 1 and c.complete then 'publie'
            when c.complete and p.estimations_completes then 'recalcule'
        end as methode,
        case
            when p.nb_lignes_cnaf = 1 and c.nb_composantes = 1 and c.complete then p.taux_unique
            when c.complete and p.estimations_completes and p.enfants_moins_3_ans_estimes > 0
                then round(100 * p.places_accueil_formel / p.enfants_moins_3_ans_estimes, 1)
        end as taux_couverture_global,
        case when c.complete and p.estimations_completes then p.places_accueil_formel end as places_accueil_formel,
        case when c.complete and p.estimations_completes then p.enfants_moins_3_ans_estimes end
            as enfants_moins_3_ans_estimes
    from par_commune as p
    inner join completude as c on c.annee = p.annee and c.code_commune = p.code_commune
)

select * from final
