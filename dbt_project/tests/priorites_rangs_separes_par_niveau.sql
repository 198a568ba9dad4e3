{{ config(tags=["apres_graphe"], meta={"dagster": {"ref": {"name": "priorites"}}}) }}
{#- The département's own lines and its EPT/EPCI lines are ranked in separate lists: within each
    (département, axis, echelle) the ranked lines hold exactly the ranks 1..n, once each, and every
    ranked list holds one echelle only. A ranking that mixed the two levels would leave gaps here. -#}
select code_departement, code_axe, echelle,
    count(*) as nb_classees, count(distinct rang_axe) as nb_rangs, min(rang_axe) as rang_min,
    max(rang_axe) as rang_max
from {{ ref('priorites') }}
where rang_axe is not null
group by all
having count(distinct rang_axe) <> count(*) or min(rang_axe) <> 1 or max(rang_axe) <> count(*)
    or count(distinct echelle) <> 1
