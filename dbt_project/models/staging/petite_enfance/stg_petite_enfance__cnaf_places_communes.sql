-- CNAF places for children under 3 per commune (> 10,000 inhabitants) and year, commune codes of
-- the CNAF's vintage. EAJE = établissements d'accueil du jeune enfant (PSU-funded or not); the
-- formal offer adds pre-schooling, childminders and home carers.
with source as (
    select * from {{ source('raw', 'cnaf_places_petite_enfance_communes') }}
),

final as (
    select
        cast(annee as integer) as annee,
        cast(code_commune as varchar) as code_commune_source,
        cast(nom_commune as varchar) as nom_commune_source,
        cast(code_departement_cnaf as varchar) as code_departement_cnaf,
        cast(places_eaje_psu as double) as places_eaje_psu,
        cast(places_hors_eaje_psu as double) as places_eaje_hors_psu,
        cast(places_eaje_ensemble as double) as places_eaje,
        cast(places_prescolarisation as double) as places_prescolarisation,
        cast(places_assistante_maternelle as double) as places_assistants_maternels,
        cast(places_salariee_domicile as double) as places_garde_domicile,
        cast(places_accueil_individuel_ensemble as double) as places_accueil_individuel,
        cast(places_offertes_ensemble as double) as places_accueil_formel
    from source
)

select * from final
