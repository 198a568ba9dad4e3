{#-
    Candidate coordination links: two actors or dispositifs named in the same passage. One row per pair
    and département, with the number of passages (evidence) and their ids.
-#}
with mentions as (select * from {{ ref('mentions') }}),

entites as (
    select distinct code_departement, id_passage, id_document, type_entite, code_entite, libelle_entite,
        type_document, categorie_document
    from mentions
    where type_entite in ('acteur', 'dispositif')
),

paires as (
    select
        a.code_departement, a.id_passage, a.id_document, a.type_document, a.categorie_document,
        a.type_entite as type_a, a.code_entite as entite_a, a.libelle_entite as libelle_a,
        b.type_entite as type_b, b.code_entite as entite_b, b.libelle_entite as libelle_b
    from entites as a
    inner join entites as b
        on a.code_departement = b.code_departement and a.id_passage = b.id_passage
        and (a.type_entite || ':' || a.code_entite) < (b.type_entite || ':' || b.code_entite)
),

final as (
    select
        code_departement, entite_a, type_a, min(libelle_a) as libelle_a, entite_b, type_b,
        min(libelle_b) as libelle_b,
        count(distinct id_passage) as nb_preuves,
        count(distinct id_document) as nb_documents,
        list(distinct id_passage order by id_passage) as passages,
        list(distinct type_document order by type_document) as types_documents,
        bool_or(categorie_document = 'entretien') as cite_en_entretien
    from paires
    group by code_departement, entite_a, type_a, entite_b, type_b
)

select * from final
