with source as (select * from {{ source('raw', 'questionnaires_fichiers') }}),
final as (
    select
        id_questionnaire, code_departement, fichier, checksum, correspondance, nb_lignes, nb_reponses, nb_rejets,
        colonnes_ignorees
    from source
)
select * from final
