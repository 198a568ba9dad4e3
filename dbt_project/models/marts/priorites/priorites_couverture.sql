{{ config(tags=["apres_graphe"]) }}

{#-
  What the diagnostic measures and what it lacks, per département, axis and domain: the report and
  the committee sheets render this table next to the priorities.
    besoin_mesure      the indicators behind the need index (marts.besoins_composantes) on the
                       département or its territories;
    offre_mesuree      how the offer is measured (marts.ecarts at département level);
    classement_*       whether the domain is ranked, separately at département level and among the
                       EPT/EPCI (never one list);
    raison             why the lines that are not ranked are not (marts.priorites.raison);
    donnees_manquantes, detenteurs  the data no public source gives and who holds them (seed
                       priorites_donnees_domaines, the one owner of that knowledge).
-#}

with priorites as (
    select * from {{ ref('priorites') }}
),

lignes as (
    select code_departement, code_axe, any_value(libelle_axe) as libelle_axe, code_domaine,
        any_value(libelle_domaine) as libelle_domaine,
        count(*) filter (where echelle = 'infra') as nb_territoires_infra,
        count(*) filter (where echelle = 'infra' and rang_axe is not null) as nb_territoires_classes,
        any_value(rang_axe) filter (where echelle = 'departement') as rang_departement,
        mode(raison) filter (where raison is not null) as raison
    from priorites
    group by code_departement, code_axe, code_domaine
),

composantes as (
    select distinct b.code_departement, b.code_domaine, c.libelle
    from {{ ref('besoins_composantes') }} as b
    inner join {{ ref('indicateurs_catalogue') }} as c using (code_indicateur)
    where b.inclus_dans_indice and b.niveau in ('departement', 'epci', 'ept')
),

besoin as (
    select code_departement, code_domaine, string_agg(libelle, ', ' order by libelle) as besoin_mesure
    from composantes
    group by all
),

offre as (
    select e.code_departement, e.code_domaine,
        case when not e.offre_observee then null
             else case e.source_offre
                      when 'cnaf_places' then 'places d''accueil (CNAF)'
                      when 'drees_places' then 'places d''accueil (DREES)'
                      when 'bpe_2018' then 'équipements (INSEE, BPE 2018)'
                      else 'services recensés (catalogue de l''offre)' end
                  || case when e.base_indice_offre = 'public_cible' and o.public_cible is not null
                          then ' pour 1 000 '
                               || case when lower(o.public_cible) = 'tous les habitants' then 'habitants'
                                       else lower(left(o.public_cible, 1)) || substr(o.public_cible, 2) end
                          else ' pour 10 000 habitants' end
        end as offre_mesuree
    from {{ ref('ecarts') }} as e
    left join {{ ref('offre') }} as o
        on o.niveau = e.niveau and o.code_territoire = e.code_territoire and o.code_domaine = e.code_domaine
    where e.niveau = 'departement'
)

select
    l.code_departement,
    l.code_axe,
    l.libelle_axe,
    l.code_domaine,
    l.libelle_domaine,
    b.besoin_mesure,
    o.offre_mesuree,
    l.rang_departement is not null as classe_departement,
    l.rang_departement,
    l.nb_territoires_infra,
    l.nb_territoires_classes,
    l.raison,
    d.donnees_manquantes,
    d.detenteurs
from lignes as l
left join besoin as b using (code_departement, code_domaine)
left join offre as o using (code_departement, code_domaine)
left join {{ ref('priorites_donnees_domaines') }} as d using (code_domaine)
