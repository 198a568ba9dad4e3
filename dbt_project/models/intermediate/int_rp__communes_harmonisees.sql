-- Census 2022 counts (geography 2025) summed to COG 2026 communes. A commune merged after the
-- census geography appears with empty counts in the source (e.g. 93059 in the 2025 files): empty
-- rows are ignored, the counts of the merged commune already cover it.
with comparateur_brut as (
    select * from {{ ref('stg_rp__comparateur_2022') }}
),

dossier_brut as (
    select * from {{ ref('stg_rp__dossier_complet_2022') }}
),

comparateur as (
    {{ sans_arrondissements_en_double('comparateur_brut', 'code_commune_source') }}
),

dossier as (
    {{ sans_arrondissements_en_double('dossier_brut', 'code_commune_source') }}
),

correspondance as (
    select * from {{ ref('int_communes__correspondance') }}
),

comparateur_2026 as (
    select
        co.code_commune,
        sum(c.population) as population,
        sum(c.population_15_64) as population_15_64,
        sum(c.chomeurs_15_64) as chomeurs_15_64,
        sum(c.actifs_15_64) as actifs_15_64,
        sum(c.nb_menages) as nb_menages
    from comparateur as c
    inner join correspondance as co on co.code_commune_source = c.code_commune_source
    group by co.code_commune
),

dossier_2026 as (
    select
        co.code_commune,
        sum(d.population_0_14) as population_0_14,
        sum(d.population_0_14 + d.population_15_29 + d.population_30_44 + d.population_45_59
            + d.population_60_74 + d.population_75_89 + d.population_90_plus) as population_toutes_classes,
        sum(d.menages_famille) as menages_famille,
        sum(d.familles_monoparentales) as familles_monoparentales,
        sum(d.actifs_15_24) as actifs_15_24,
        sum(d.chomeurs_15_24) as chomeurs_15_24
    from dossier as d
    inner join correspondance as co on co.code_commune_source = d.code_commune_source
    group by co.code_commune
),

final as (
    select
        coalesce(c.code_commune, d.code_commune) as code_commune,
        c.population,
        c.population_15_64,
        c.chomeurs_15_64,
        c.actifs_15_64,
        c.nb_menages,
        d.population_0_14,
        d.population_toutes_classes,
        d.menages_famille,
        d.familles_monoparentales,
        d.actifs_15_24,
        d.chomeurs_15_24
    from comparateur_2026 as c
    full outer join dossier_2026 as d on d.code_commune = c.code_commune
)

select * from final
