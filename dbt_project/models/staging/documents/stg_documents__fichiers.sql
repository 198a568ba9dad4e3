with source as (select * from {{ source('raw', 'documents_fichiers') }}),
final as (
    select
        id_document, code_departement, categorie, checksum, chemin, nom_fichier, dossier_source,
        origine_dossier, format, taille_octets, titre, type_document, regle_type, date_document, date_source,
        auteur, auteur_source, unite_page, nb_pages, nb_caracteres, titre_manifeste, editeur_manifeste,
        date_manifeste, version_analyse, analyse_le
    from source
)
select * from final
