{#-
    Candidate coordination links: two entities (actors or dispositifs) that a sentence of a
    passage ties (the ``lien`` rows of the mentions, decided by the analysis: a tying expression in the
    sentence, not two items of one enumeration, not an institution and its own service). One row per pair
    and département, with the number of passages (evidence) and their ids.
-#}
with mentions as (select * from {{ ref('mentions') }}),
dispositifs as (select distinct code_dispositif from {{ ref('gazetteer_dispositifs') }}),

liens as (
    select
        code_departement, id_passage, id_document, type_document, categorie_document,
        case when d.code_dispositif is null then 'acteur' else 'dispositif' end as type_a,
        code_entite as entite_a, libelle_entite as libelle_a,
        objet_type as type_b, objet_code as entite_b, objet_libelle as libelle_b
    from mentions as m
    left join dispositifs as d on d.code_dispositif = m.code_entite
    where m.type_entite = 'lien'
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
    from liens
    group by code_departement, entite_a, type_a, entite_b, type_b
)

select * from final
