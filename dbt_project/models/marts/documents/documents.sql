{#- One row per document or interview of a département's inbox, with its kind and the rule that decided it. -#}
with passages as (select * from {{ ref('stg_documents__passages') }}),

compte_passages as (
    select id_document, count(*) as nb_passages, count(code_axe) as nb_passages_classes,
        count(*) filter (where est_citation) as nb_citations
    from passages group by 1
),

axes as (
    select id_document, arg_max(code_axe, nb) as axe_principal
    from (select id_document, code_axe, count(*) as nb from passages where code_axe is not null group by 1, 2)
    group by 1
),

compte_mentions as (
    select id_document,
        count(*) filter (where type_entite = 'acteur') as nb_mentions_acteurs,
        count(*) filter (where type_entite = 'dispositif') as nb_mentions_dispositifs,
        count(*) filter (where type_entite = 'territoire') as nb_mentions_territoires,
        count(*) filter (where type_entite = 'avancement') as nb_mentions_avancement
    from {{ ref('stg_documents__mentions') }} as mentions group by 1
),

final as (
    select
        f.id_document, f.code_departement, f.categorie, f.titre, f.type_document, t.libelle_type_document,
        f.regle_type, f.date_document, f.date_source, f.auteur, f.auteur_source, f.format, f.unite_page,
        f.nb_pages, f.nb_caracteres, f.taille_octets,
        coalesce(p.nb_passages, 0) as nb_passages,
        coalesce(p.nb_passages_classes, 0) as nb_passages_classes,
        coalesce(p.nb_citations, 0) as nb_citations,
        a.axe_principal,
        coalesce(m.nb_mentions_acteurs, 0) as nb_mentions_acteurs,
        coalesce(m.nb_mentions_dispositifs, 0) as nb_mentions_dispositifs,
        coalesce(m.nb_mentions_territoires, 0) as nb_mentions_territoires,
        coalesce(m.nb_mentions_avancement, 0) as nb_mentions_avancement,
        e.acteur as acteur_entretien, e.role as role_entretien, e.date_entretien,
        e.niveau_territoire as niveau_territoire_entretien, e.code_territoire as code_territoire_entretien,
        f.chemin, f.nom_fichier, f.dossier_source, f.origine_dossier, f.checksum,
        f.titre_manifeste, f.editeur_manifeste, f.date_manifeste, f.analyse_le
    from {{ ref('stg_documents__fichiers') }} as f
    left join {{ ref('documents_types') }} as t using (type_document)
    left join compte_passages as p using (id_document)
    left join axes as a using (id_document)
    left join compte_mentions as m using (id_document)
    left join {{ ref('stg_documents__entretiens') }} as e using (id_document)
)

select * from final
