{{ config(tags=["apres_graphe"], meta={"dagster": {"ref": {"name": "pistes_acteurs"}}}) }}
{#- A lead names at most pistes.acteurs_max actors (config/priorites.yml), only actors to associate
    (never a missing partner), and « et N autres » counts exactly the others. -#}
{%- set p = var('priorites', none) -%}
{%- set acteurs_max = p['pistes']['acteurs_max'] if p else 5 -%}
with comptes as (
    select id_piste,
        count(*) filter (where cite) as nb_cites,
        count(*) filter (where cite and role = 'partenaire_manquant') as nb_manquants_cites,
        count(*) filter (where role <> 'partenaire_manquant') as nb_associes
    from {{ ref('pistes_acteurs') }}
    group by id_piste
)
select c.*, p.nb_acteurs_associes, p.acteurs_a_associer
from comptes as c
inner join {{ ref('pistes') }} as p using (id_piste)
where c.nb_cites > {{ acteurs_max }}
   or c.nb_manquants_cites > 0
   or c.nb_associes <> p.nb_acteurs_associes
   or (c.nb_associes > c.nb_cites
       and not p.acteurs_a_associer like '% et ' || (c.nb_associes - c.nb_cites) || ' autre%')
