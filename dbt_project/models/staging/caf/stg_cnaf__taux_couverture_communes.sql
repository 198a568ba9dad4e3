-- CNAF childcare coverage rates (places per 100 children under 3), December of each year, communes
-- over 10 000 inhabitants, commune codes of the CNAF vintage. Values unchanged.
with source as (
    select * from {{ source('raw', 'cnaf_taux_couverture_communes') }}
),

renamed as (
    select
        cast(annee as integer) as annee,
        cast(code_commune as varchar) as code_commune_source,
        cast(nom_commune as varchar) as nom_commune_source,
        cast(taux_de_couv_eaje_ensemble as double) as taux_couverture_eaje,
        cast(taux_de_couv_prescolarisation as double) as taux_couverture_prescolarisation,
        cast(taux_de_couv_accueil_individuel_ensemble as double) as taux_couverture_accueil_individuel,
        cast(taux_de_couv_global as double) as taux_couverture_global
    from source
),

final as (
    select * from renamed
)

select * from final
