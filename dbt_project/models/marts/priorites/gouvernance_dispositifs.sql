{{ config(tags=["apres_graphe"], schema="rapport") }}
{#-
  The report's « Gouvernance » table (issue 13: the report reads rows made for it, not SQL of its
  own): each département-level dispositif of the graph with its pilots, the mean share of its
  expected partner types present, and how many local instances of the same dispositif the
  département has. Schema rapport: made for the report, not a mart for analysts (the graph's marts
  hold the same facts).
-#}
with locales as (
    select code_departement, code_dispositif, count(*) as nb_instances_locales
    from {{ source('graphe', 'acteurs') }}
    where type_noeud = 'dispositif' and niveau <> 'departement'
    group by 1, 2
)

select
    d.code_departement,
    d.libelle,
    d.code_dispositif,
    d.periode,
    coalesce(d.historique, false) as historique,
    string_agg(distinct a.libelle, ', ' order by a.libelle) as pilotes,
    (
        select avg(c.taux_couverture_dispositif)
        from {{ source('graphe', 'coordination_dispositifs') }} as c
        where c.id_dispositif = d.id_noeud and c.code_departement = d.code_departement
    ) as taux_couverture,
    any_value(lo.nb_instances_locales) as nb_instances_locales
from {{ source('graphe', 'acteurs') }} as d
left join {{ source('graphe', 'liens') }} as l
    on l.cible = d.id_noeud and l.type_lien = 'pilote' and l.code_departement = d.code_departement
left join {{ source('graphe', 'acteurs') }} as a
    on a.id_noeud = l.source and a.code_departement = d.code_departement
left join locales as lo
    on lo.code_departement = d.code_departement and lo.code_dispositif = d.code_dispositif
where d.type_noeud = 'dispositif' and d.niveau = 'departement'
group by d.id_noeud, d.code_departement, d.libelle, d.code_dispositif, d.periode, coalesce(d.historique, false)
