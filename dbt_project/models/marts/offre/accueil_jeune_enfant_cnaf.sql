-- The CNAF's childcare figures as published, one row per year and CNAF commune (communes over
-- 10 000 inhabitants, geography of the CNAF year), with the COG 2026 commune they now belong to.
-- marts.indicateurs and marts.offre hold the COG 2026 communes: where communes merged since (e.g.
-- Saint-Denis with Pierrefitte-sur-Seine in 2025) their rate is recomputed from summed counts; here
-- the published series stays unchanged, for comparison with the CNAF's own tables.
with taux as (
    select * from {{ ref('stg_cnaf__taux_couverture_communes') }}
),

places as (
    select * from {{ ref('stg_petite_enfance__cnaf_places_communes') }}
),

correspondance as (
    select code_commune_source, code_commune
    from {{ ref('int_communes__correspondance') }}
),

communes as (
    select code_commune, libelle, code_departement
    from {{ ref('int_communes__hierarchie') }}
),

publie as (
    select
        coalesce(t.annee, p.annee) as annee,
        coalesce(t.code_commune_source, p.code_commune_source) as code_commune_cnaf,
        coalesce(t.nom_commune_source, p.nom_commune_source) as nom_commune_cnaf,
        t.taux_couverture_global,
        t.taux_couverture_eaje,
        t.taux_couverture_accueil_individuel,
        p.places_accueil_formel,
        p.places_eaje,
        p.places_assistants_maternels
    from taux as t
    full outer join places as p
        on p.annee = t.annee and p.code_commune_source = t.code_commune_source
),

final as (
    select
        pu.annee,
        pu.code_commune_cnaf,
        pu.nom_commune_cnaf,
        co.code_commune,
        c.libelle as libelle_commune,
        c.code_departement,
        pu.taux_couverture_global,
        pu.taux_couverture_eaje,
        pu.taux_couverture_accueil_individuel,
        pu.places_accueil_formel,
        pu.places_eaje,
        pu.places_assistants_maternels
    from publie as pu
    left join correspondance as co on co.code_commune_source = pu.code_commune_cnaf
    left join communes as c on c.code_commune = co.code_commune
)

select * from final
