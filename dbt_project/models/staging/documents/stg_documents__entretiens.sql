with source as (select * from {{ source('raw', 'documents_entretiens') }}),
final as (
    select
        id_document, code_departement, acteur, role, date_entretien, territoire, niveau_territoire,
        code_territoire, personnes, cles_ignorees
    from source
)
select * from final
