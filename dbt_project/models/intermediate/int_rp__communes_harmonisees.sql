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

comparateur_2026 as (
    {{ vers_communes_2026('comparateur', [
        'population', 'population_15_64', 'chomeurs_15_64', 'actifs_15_64', 'nb_menages',
    ]) }}
),

dossier_2026 as (
    {% call vers_communes_2026('dossier', [
        'population_0_14', 'menages_famille', 'familles_monoparentales', 'actifs_15_24', 'chomeurs_15_24',
    ]) %}
        sum(s.population_0_14 + s.population_15_29 + s.population_30_44 + s.population_45_59
            + s.population_60_74 + s.population_75_89 + s.population_90_plus) as population_toutes_classes
    {% endcall %}
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
