-- CNAF childcare coverage rates (places per 100 children under 3) on COG 2026 communes. The CNAF
-- publishes rates, not their numerator and denominator, so a rate is kept only where it
-- describes the whole 2026 commune: exactly one CNAF commune maps to it (not an arrondissement) and
-- no other commune of that year's geography was merged into it since. Otherwise (Saint-Denis with
-- Pierrefitte-sur-Seine from 2025, Paris / Lyon / Marseille published by arrondissement) the rate of
-- the 2026 commune is not known and no value is given: rates are never averaged.
with taux as (
    select * from {{ ref('stg_cnaf__taux_couverture_communes') }}
),

correspondance as (
    select * from {{ ref('int_communes__correspondance') }}
),

annees as (
    select distinct annee from taux
),

-- communes of the geography of each CNAF year (data of December): the COG 2023 communes and
-- those absorbed after 1 January of that year (communes merged since 2024 are COG 2023 communes)
composantes as (
    select a.annee, c.code_commune as code_commune_source
    from annees as a
    cross join {{ ref('stg_cog__communes_2023') }} as c
    where c.type_commune = 'COM'

    union

    select a.annee, m.code_avant
    from annees as a
    inner join {{ ref('stg_cog__mouvements') }} as m
        on m.date_effet > make_date(a.annee, 1, 1)
    where m.type_avant = 'COM' and m.code_evenement in (31, 32, 33, 34)
),

composantes_2026 as (
    select c.annee, co.code_commune, count(distinct c.code_commune_source) as nb_composantes
    from composantes as c
    inner join correspondance as co on co.code_commune_source = c.code_commune_source
    group by c.annee, co.code_commune
),

sources_2026 as (
    select
        t.annee,
        co.code_commune,
        count(*) as nb_lignes_cnaf,
        bool_or(co.origine = 'arrondissement_municipal') as par_arrondissement,
        any_value(t.code_commune_source) as code_commune_cnaf,
        any_value(t.taux_couverture_global) as taux_couverture_global,
        any_value(t.taux_couverture_eaje) as taux_couverture_eaje
    from taux as t
    inner join correspondance as co on co.code_commune_source = t.code_commune_source
    group by t.annee, co.code_commune
),

final as (
    select
        s.code_commune,
        s.annee,
        s.code_commune_cnaf,
        s.nb_lignes_cnaf,
        coalesce(c.nb_composantes, 1) as nb_composantes,
        s.nb_lignes_cnaf = 1 and not s.par_arrondissement and coalesce(c.nb_composantes, 1) = 1
            as perimetre_identique,
        case when s.nb_lignes_cnaf = 1 and not s.par_arrondissement and coalesce(c.nb_composantes, 1) = 1
            then s.taux_couverture_global end as taux_couverture_global,
        case when s.nb_lignes_cnaf = 1 and not s.par_arrondissement and coalesce(c.nb_composantes, 1) = 1
            then s.taux_couverture_eaje end as taux_couverture_eaje
    from sources_2026 as s
    left join composantes_2026 as c on c.annee = s.annee and c.code_commune = s.code_commune
)

select * from final
