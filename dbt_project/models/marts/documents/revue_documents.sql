{#-
  Which documents of a département the review of the CALPAE / SPIE actions reads, and why not the
  others (one row per document):
    - only the kinds marked revue_actions in seed documents_types (bilans and execution reports of
      the CALPAE / SPIE, PDI, PTI, schémas, ABS);
    - only a local document: one that names the département or one of its own territories
      (communes, EPT, EPCI) at least `mentions_minimum` times. A national text that cites the
      département once in a list (a national pact, a guide) is not read as a local action.
-#}
{%- set mentions_minimum = 3 -%}

with documents as (
    select * from {{ ref('documents') }}
),

types as (
    select type_document, revue_actions from {{ ref('documents_types') }}
),

propres as (
    -- mentions of the document's own département or of one of its territories
    select m.id_document, count(*) as nb_mentions_locales
    from {{ ref('mentions') }} as m
    inner join documents as d using (id_document)
    inner join {{ ref('territoires') }} as t
        on t.niveau = m.niveau_territoire and t.code_territoire = m.code_entite
        and (t.code_departement = d.code_departement
             or (t.niveau = 'departement' and t.code_territoire = d.code_departement))
    where m.type_entite = 'territoire'
    group by m.id_document
)

select
    d.id_document,
    d.code_departement,
    d.titre,
    d.nom_fichier,
    d.type_document,
    d.libelle_type_document,
    coalesce(t.revue_actions, false) as type_revu,
    coalesce(p.nb_mentions_locales, 0) as nb_mentions_locales,
    coalesce(t.revue_actions, false) and coalesce(p.nb_mentions_locales, 0) >= {{ mentions_minimum }} as revu,
    case
        when not coalesce(t.revue_actions, false)
            then 'type non retenu pour la revue : ' || coalesce(d.libelle_type_document, d.type_document)
        when coalesce(p.nb_mentions_locales, 0) < {{ mentions_minimum }}
            then 'document national ou non situé : il ne nomme le département ou ses territoires que '
                 || coalesce(p.nb_mentions_locales, 0) || ' fois (moins de {{ mentions_minimum }})'
    end as motif_exclusion
from documents as d
left join types as t using (type_document)
left join propres as p using (id_document)
