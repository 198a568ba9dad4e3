with source as (select * from {{ source('raw', 'questionnaires_reponses') }}),
final as (
    select
        id_questionnaire, code_departement, fichier, ligne, id_repondant, dispositif_reponse, code_dispositif,
        code_axe, code_domaine, territoire_reponse, niveau_territoire, code_territoire, libelle_territoire,
        connaissance, utilisation, satisfaction_reponse, satisfait, note_satisfaction,
        coalesce(raisons_non_recours, []::varchar[]) as raisons_non_recours, texte_libre
    from source
)
select * from final
