with source as (select * from {{ source('raw', 'documents_mentions') }}),
final as (
    select
        id_mention, id_passage, id_document, code_departement, page, type_entite, code_entite, libelle_entite,
        texte_trouve, debut, fin, niveau_territoire, categorie_acteur, annee, objet_type, objet_code,
        objet_libelle
    from source
)
select * from final
