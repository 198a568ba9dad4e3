{{ config(tags=["apres_graphe"], materialized="ephemeral") }}

{#-
  The priorities that become contractualisation leads: rang_axe <= pistes.par_axe among the
  infra-departmental territories of the axis, or among the département's own lines when no
  infra-departmental line of that axis has enough data. Shared by marts.pistes, pistes_acteurs
  and pistes_preuves.
-#}
{%- set p = var('priorites', none) -%}
{%- set par_axe = p['pistes']['par_axe'] if p else 3 -%}

with priorites as (
    select * from {{ ref('priorites') }} where donnees_suffisantes
),

infra_par_axe as (
    select code_departement, code_axe, count(*) as nb_infra
    from priorites where echelle = 'infra'
    group by all
),

offre as (
    select niveau, code_territoire, code_domaine, sum(nb_services) as nb_services,
        any_value(public_cible) as public_cible
    from {{ ref('offre') }}
    group by all
)

select
    p.id_priorite as id_piste,
    p.*,
    cast(coalesce(o.nb_services, 0) as integer) as nb_services_existants,
    o.public_cible,
    case when coalesce(o.nb_services, 0) = 0 or coalesce(p.zone_blanche, false)
         then 'nouvelle' else 'renforcement' end as nature
from priorites as p
left join infra_par_axe as i using (code_departement, code_axe)
left join offre as o
    on o.niveau = p.niveau and o.code_territoire = p.code_territoire and o.code_domaine = p.code_domaine
where p.rang_axe <= {{ par_axe }}
  and (p.echelle = 'infra' or (p.echelle = 'departement' and coalesce(i.nb_infra, 0) = 0))
