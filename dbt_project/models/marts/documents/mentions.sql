{#- Mentions of actors, dispositifs, territories and statements of progress, with their passage and page. -#}
with mentions as (select * from {{ ref('stg_documents__mentions') }}),
fichiers as (select * from {{ ref('stg_documents__fichiers') }}),

final as (
    select
        m.id_mention, m.id_passage, m.id_document, m.code_departement, m.type_entite, m.code_entite,
        m.libelle_entite, m.page, f.unite_page, m.texte_trouve, m.debut, m.fin, m.niveau_territoire,
        m.categorie_acteur,
        case when m.type_entite = 'avancement' then m.code_entite end as statut_avancement,
        m.annee, m.objet_type, m.objet_code, m.objet_libelle,
        f.categorie as categorie_document, f.type_document
    from mentions as m
    inner join fichiers as f using (code_departement, id_document)
)

select * from final
