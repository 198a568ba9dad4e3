{#- Passages (paragraphs, long ones cut into sentences) with page, offsets, axis and domain. -#}
with passages as (select * from {{ ref('stg_documents__passages') }}),
fichiers as (select * from {{ ref('stg_documents__fichiers') }}),
axes_domaines as (select * from {{ ref('axes_domaines') }}),

final as (
    select
        p.id_passage, p.id_document, p.code_departement, p.page, f.unite_page, p.numero, p.debut, p.fin, p.texte,
        p.code_axe, ad.libelle_axe, p.code_domaine, ad.libelle_domaine, p.score as score_classement,
        json_extract_string(p.termes, '$.termes[*]') as termes_trouves, p.est_citation, p.intitule_section, p.ocr as lu_par_ocr,
        p.confiance_ocr,
        f.categorie, f.type_document, f.titre as titre_document
    from passages as p
    inner join fichiers as f using (code_departement, id_document)
    left join axes_domaines as ad on ad.code_domaine = p.code_domaine
)

select * from final
