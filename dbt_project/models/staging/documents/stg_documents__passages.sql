with source as (select * from {{ source('raw', 'documents_passages') }}),
final as (
    select
        id_passage, id_document, code_departement, page, numero, debut, fin, texte, est_citation,
        intitule_section, code_axe, code_domaine, score, termes, coalesce(ocr, false) as ocr, confiance_ocr
    from source
)
select * from final
