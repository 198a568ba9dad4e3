{{ config(tags=["apres_graphe"], materialized="ephemeral") }}

{#-
  The territories of each contractualisation lead: one lead per département and domain, one row
  per territory it names. Shared by marts.pistes, pistes_acteurs, pistes_liens_manquants and
  pistes_preuves.

  - A domain's lead is about its infra-departmental territories (EPT or EPCI) when at least one of
    them is ranked, else about the département's own line: the two ranking levels are never mixed
    in one lead.
  - It names the `pistes.territoires_max` territories where the score (need × supply gap ×
    coordination × priority publics) is highest: where the gap is worst.
  - Within an axis the leads are ordered by the domain's rank at département level (one list, one
    level), then by the best score of its territories; `pistes.par_axe` leads at most per axis.
  - Every domain has a lead template (singular test priorites_chaque_domaine_a_modele_et_donnees),
    so the inner join with priorites_modeles_pistes drops no lead: it is made here once, for every
    model that needs the template's related dispositifs.
-#}
{%- set p = var('priorites', none) -%}
{%- set par_axe = p['pistes']['par_axe'] if p else 6 -%}
{%- set territoires_max = p['pistes']['territoires_max'] if p else 3 -%}

with priorites as (
    select * from {{ ref('priorites') }} where donnees_suffisantes
),

echelle_piste as (
    select code_departement, code_domaine,
        case when bool_or(echelle = 'infra') then 'infra' else 'departement' end as echelle_piste,
        count(*) filter (where echelle = 'infra') as nb_territoires_classes
    from priorites
    group by all
),

territoires as (
    select pr.*, e.nb_territoires_classes,
        row_number() over (partition by pr.code_departement, pr.code_domaine
                           order by pr.score desc, pr.code_territoire) as rang_territoire
    from priorites as pr
    inner join echelle_piste as e
        on e.code_departement = pr.code_departement and e.code_domaine = pr.code_domaine
        and pr.echelle = e.echelle_piste
),

domaines as (
    select t.code_departement, t.code_axe, t.code_domaine, max(t.score) as score_max,
        any_value(d.rang_axe) as rang_departement
    from territoires as t
    left join priorites as d
        on d.code_departement = t.code_departement and d.code_domaine = t.code_domaine
        and d.echelle = 'departement'
    group by all
),

ordre_domaines as (
    select *,
        row_number() over (partition by code_departement, code_axe
                           order by rang_departement nulls last, score_max desc, code_domaine) as rang_piste
    from domaines
),

offre as (
    select niveau, code_territoire, code_domaine, sum(nb_services) as nb_services,
        any_value(public_cible) as public_cible
    from {{ ref('offre') }}
    group by all
)

select
    t.code_departement || '-' || t.code_domaine as id_piste,
    o.rang_piste,
    t.*,
    cast(coalesce(of.nb_services, 0) as integer) as nb_services_existants,
    -- the observed offer (places, equipments or services) where a source measures it
    case when e.offre_observee then e.offre_mesuree end as offre_mesuree,
    case when e.offre_observee then e.unite_offre end as unite_offre,
    of.public_cible,
    m.dispositifs_lies
from territoires as t
inner join ordre_domaines as o using (code_departement, code_axe, code_domaine)
inner join {{ ref('priorites_modeles_pistes') }} as m on m.code_domaine = t.code_domaine
left join offre as of
    on of.niveau = t.niveau and of.code_territoire = t.code_territoire and of.code_domaine = t.code_domaine
left join {{ ref('ecarts') }} as e
    on e.niveau = t.niveau and e.code_territoire = t.code_territoire and e.code_domaine = t.code_domaine
where t.rang_territoire <= {{ territoires_max }}
  and o.rang_piste <= {{ par_axe }}
