{{ config(meta={"dagster": {"ref": {"name": "priorites_modeles_pistes"}}}) }}
{#- Every domain of the axes (seed axes_domaines) has a complete lead template
    (priorites_modeles_pistes: verbs, object, concrete actions, frame, follow-up indicator) and its
    line of missing data and data holders (priorites_donnees_domaines): a domain without them would
    get a ranked priority but no lead, or a report without the owner of its missing data. -#}
select d.code_domaine,
    case when m.code_domaine is null then 'pas de modèle de piste'
         when d2.code_domaine is null then 'pas de ligne dans priorites_donnees_domaines'
         else 'modèle de piste incomplet' end as probleme
from {{ ref('axes_domaines') }} as d
left join {{ ref('priorites_modeles_pistes') }} as m using (code_domaine)
left join {{ ref('priorites_donnees_domaines') }} as d2 using (code_domaine)
where m.code_domaine is null
   or d2.code_domaine is null
   or coalesce(trim(d2.donnees_manquantes), '') = '' or coalesce(trim(d2.detenteurs), '') = ''
   or coalesce(trim(m.action_nouvelle), '') = '' or coalesce(trim(m.action_renforcement), '') = ''
   or coalesce(trim(m.objet), '') = '' or coalesce(trim(m.actions), '') = ''
   or coalesce(trim(m.cadre), '') = '' or coalesce(trim(m.indicateur_suivi), '') = ''
   or coalesce(trim(m.partenaires_modele), '') = ''
