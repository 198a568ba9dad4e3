{{ config(tags=["apres_graphe"]) }}

{#-
  Contractualisation leads (Étape 3): one lead per département and domain, about the group of
  territories where the gap is worst (see pistes_selection), written in French from the domain's
  template (seed priorites_modeles_pistes):
    intitule            action, object and territories (« Renforcer … sur les territoires de A, B et C »);
    actions_proposees   the template's concrete actions;
    pourquoi            two or three stored figures: the need indicator of the first territory
                        against France, the services per 1 000 people of the target public on the
                        lead's territories against France, and the distance to the nearest service;
    acteurs_a_associer  at most pistes.acteurs_max actors of the graph (marts.pistes_acteurs,
                        cite = true) and « et N autres »;
    partenaires_manquants  never one of the actors to associate (see pistes_acteurs);
    limites             the data the lead lacks (seed priorites_donnees_domaines) and the gaps
                        noted on its priority lines.
  Numbers are written the French way (macro nombre_fr).
-#}
{%- set p = var('priorites', none) -%}
{%- if execute and p is none -%}
  {{ exceptions.raise_compiler_error(
      "marts.pistes needs the dbt var 'priorites' (the weights of config/priorites.yml)") }}
{%- endif %}

with selection as (
    select * from {{ ref('pistes_selection') }}
),

noms as (
    -- a territory's name after « de » (elided before a vowel or a mute h)
    select *,
        case when regexp_matches(lower(strip_accents(libelle_territoire)), '^[aeiouyh]')
             then 'd''' || libelle_territoire else 'de ' || libelle_territoire end as de_territoire
    from selection
),

retenues as (
    select
        id_piste,
        any_value(code_departement) as code_departement,
        any_value(code_axe) as code_axe,
        any_value(libelle_axe) as libelle_axe,
        any_value(code_domaine) as code_domaine,
        any_value(libelle_domaine) as libelle_domaine,
        any_value(echelle) as echelle,
        any_value(niveau) as niveau,
        any_value(rang_piste) as rang_piste,
        any_value(nb_territoires_classes) as nb_territoires_classes,
        count(*) as nb_territoires,
        arg_min(id_priorite, rang_territoire) as id_priorite,
        arg_min(code_territoire, rang_territoire) as code_territoire,
        arg_min(libelle_territoire, rang_territoire) as libelle_territoire_principal,
        arg_min(rang_axe, rang_territoire) as rang_axe,
        max(score) as score,
        list(libelle_territoire order by rang_territoire) as territoires,
        list(code_territoire order by rang_territoire) as codes_territoires,
        list(de_territoire order by rang_territoire)[1] as de_premier,
        cast(sum(nb_services_existants) as integer) as nb_services_existants,
        sum(offre_mesuree) as quantite_offre,
        arg_min(unite_offre, rang_territoire) filter (where unite_offre is not null) as unite_offre,
        any_value(public_cible) as public_cible,
        bool_and(coalesce(zone_blanche, false)) as toutes_zones_blanches,
        bool_or(indice_offre is not null) as offre_mesuree,
        bool_and(indice_offre is not null) as offre_mesuree_partout,
        bool_or(faiblesse_coordination is null) as coordination_non_evaluee,
        min(nb_composantes_besoin) as nb_composantes_besoin_min
    from noms
    group by id_piste
),

-- « pourquoi » 1: the need indicator with the highest index on the first territory, against France.
-- When the offer gives no figure, the second figure is, in this order: the next need indicator of
-- the first territory, its poverty rate (the Pacte's headline indicator) if the first figure is not
-- already it, the first indicator on the second territory of the lead.
besoins_figures as (
    select s.id_piste, s.rang_territoire, b.code_indicateur,
        c.libelle || ' (' || s.libelle_territoire || ', ' || b.annee || ') : '
            || {{ nombre_fr('b.valeur', 1) }} || ' ' || coalesce(c.unite, '') || ' contre '
            || {{ nombre_fr('b.valeur_reference', 1) }} || case when c.unite = '%' then ' %' else '' end
            || case when b.reference_indice = 'france' then ' en France'
                    else ' sur l''ensemble des communes que couvre la source' end as figure,
        row_number() over (partition by s.id_piste, s.rang_territoire
                           order by b.indice desc, b.code_indicateur) as rang
    from selection as s
    inner join {{ ref('besoins_composantes') }} as b
        on b.niveau = s.niveau and b.code_territoire = s.code_territoire and b.code_domaine = s.code_domaine
    inner join {{ ref('indicateurs_catalogue') }} as c on c.code_indicateur = b.code_indicateur
    where s.rang_territoire <= 2
      and b.inclus_dans_indice and b.valeur is not null and b.valeur_reference is not null
),

premier as (
    select id_piste, code_indicateur, figure from besoins_figures where rang_territoire = 1 and rang = 1
),

pauvrete as (
    select s.id_piste,
        arg_max(c.libelle || ' (' || s.libelle_territoire || ', ' || i.annee || ') : '
            || {{ nombre_fr('i.valeur', 1) }} || ' % contre '
            || {{ nombre_fr('i.valeur_france', 1) }} || ' % en France', i.annee) as figure
    from selection as s
    inner join {{ ref('indicateurs') }} as i
        on i.niveau = s.niveau and i.code_territoire = s.code_territoire and i.code_indicateur = 'taux_pauvrete'
    inner join {{ ref('indicateurs_catalogue') }} as c on c.code_indicateur = i.code_indicateur
    where s.rang_territoire = 1 and i.valeur is not null and i.valeur_france is not null
      and not coalesce(i.secret, false)
    group by s.id_piste
),

seconds as (
    select id_piste, 2 as priorite, figure from besoins_figures where rang_territoire = 1 and rang = 2
    union all
    select pa.id_piste, 3, pa.figure from pauvrete as pa
    left join premier as pr using (id_piste)
    where coalesce(pr.code_indicateur, '') <> 'taux_pauvrete'
    union all
    select b.id_piste, 4, b.figure from besoins_figures as b
    inner join premier as pr on pr.id_piste = b.id_piste and pr.code_indicateur = b.code_indicateur
    where b.rang_territoire = 2
),

besoin as (
    select pr.id_piste, pr.figure as figure_besoin,
        (select arg_min(x.figure, x.priorite) from seconds as x where x.id_piste = pr.id_piste) as figure_besoin_2
    from premier as pr
),

-- « pourquoi » 2: the observed offer (places, equipments or services, marts.ecarts.unite_offre) per
-- 1 000 people of the target public on the lead's territories measured by the same source as the
-- first one, against the reference of that source (the ratio over the départements or communes it
-- measures: indice_offre = 100 × ratio / reference)
references_offre as (
    -- the reference ratio of each (domain, source), read back from any territory's index
    select code_domaine, source_offre,
        median(100.0 * offre_pour_1000_public_cible / indice_offre) as reference_pour_1000
    from {{ ref('ecarts') }}
    where base_indice_offre = 'public_cible' and indice_offre > 0
      and niveau in ('departement', 'epci', 'ept')
    group by all
),

offre_lignes as (
    select s.id_piste, s.rang_territoire, e.source_offre, e.unite_offre, e.offre_mesuree,
        e.population_cible, ro.reference_pour_1000
    from selection as s
    inner join {{ ref('ecarts') }} as e
        on e.niveau = s.niveau and e.code_territoire = s.code_territoire and e.code_domaine = s.code_domaine
    left join references_offre as ro on ro.code_domaine = e.code_domaine and ro.source_offre = e.source_offre
    where e.offre_observee and e.base_indice_offre = 'public_cible' and e.population_cible > 0
),

offre_territoires as (
    select o.id_piste, any_value(o.unite_offre) as unite_offre, sum(o.offre_mesuree) as quantite,
        sum(o.population_cible) as population_cible, any_value(o.reference_pour_1000) as reference_pour_1000,
        count(*) as nb_territoires_mesures
    from offre_lignes as o
    inner join (select id_piste, arg_min(source_offre, rang_territoire) as source_offre
                from offre_lignes group by id_piste) as premiere using (id_piste, source_offre)
    group by o.id_piste
),

offre as (
    select o.id_piste,
        case when o.quantite = 0
             then case o.unite_offre when 'places' then 'aucune place du domaine recensée'
                                     when 'equipements' then 'aucun équipement du domaine recensé'
                                     else 'aucun service du domaine recensé' end
             else {{ nombre_fr('1000.0 * o.quantite / o.population_cible', 2) }} || ' '
                  || case o.unite_offre when 'places' then 'place' when 'equipements' then 'équipement'
                          else 'service' end
                  || case when 1000.0 * o.quantite / o.population_cible >= 2 then 's' else '' end
                  || ' pour 1 000 ' || case when lower(coalesce(r.public_cible, '')) = 'tous les habitants'
                                            then 'habitants'
                                            else lower(left(coalesce(r.public_cible, 'personnes du public cible'), 1))
                                                 || substr(coalesce(r.public_cible, 'personnes du public cible'), 2) end
        end
        || case when o.nb_territoires_mesures > 1 then ' sur ces territoires' else ' sur le territoire' end
        || coalesce(' contre ' || {{ nombre_fr('o.reference_pour_1000', 2) }} || ' pour la référence nationale',
                    '') as figure_offre
    from offre_territoires as o
    inner join retenues as r using (id_piste)
),

-- « pourquoi » 3: distance from the communes of the lead's territories to the nearest service
acces as (
    select s.id_piste,
        sum(a.population_au_dela_5km) / nullif(sum(a.population), 0) as part_au_dela_5km,
        max(a.distance_max_km) as distance_max_km
    from selection as s
    inner join {{ ref('accessibilite_synthese') }} as a
        on a.niveau = s.niveau and a.code_territoire = s.code_territoire and a.code_domaine = s.code_domaine
    group by s.id_piste
    having max(a.distance_max_km) is not null
),

figure_acces as (
    select id_piste,
        case when distance_max_km < 0.05
             then 'un service du domaine dans chaque commune de '
                  || case when nb_territoires > 1 then 'ces territoires' else 'ce territoire' end
             else 'commune la plus éloignée à ' || {{ nombre_fr('distance_max_km', 1) }}
                  || ' km du service le plus proche, '
                  || {{ nombre_fr('100 * coalesce(part_au_dela_5km, 0)', 0) }} || ' % des habitants à plus de 5 km'
        end
            as figure_acces
    from acces
    inner join retenues using (id_piste)
),

acteurs as (
    select id_piste,
        list(libelle_acteur order by rang_citation) filter (where cite) as cites,
        count(*) filter (where rang_citation is not null) as nb_associes,
        count(*) filter (where cite) as nb_cites,
        string_agg(libelle_acteur, ', ' order by ordre) filter (where role = 'partenaire_manquant')
            as partenaires_manquants
    from {{ ref('pistes_acteurs') }}
    group by id_piste
),

acteurs_texte as (
    select id_piste, nb_associes, partenaires_manquants,
        case when len(coalesce(cites, [])) = 0 then null
             when nb_associes > nb_cites
             then array_to_string(cites, ', ') || ' et ' || (nb_associes - nb_cites)
                  || case when nb_associes - nb_cites > 1 then ' autres' else ' autre' end
             when len(cites) = 1 then cites[1]
             else array_to_string(cites[1:len(cites) - 1], ', ') || ' et ' || cites[len(cites)] end
            as acteurs
    from acteurs
),

preuves as (
    select id_piste,
        count(*) filter (where type_preuve = 'indicateur') as nb_preuves_indicateurs,
        count(*) filter (where type_preuve = 'ecart') as nb_preuves_ecarts,
        count(*) filter (where type_preuve = 'lien_manquant') as nb_preuves_liens_manquants,
        count(*) filter (where type_preuve = 'passage') as nb_preuves_passages,
        count(*) filter (where type_preuve = 'parole') as nb_preuves_parole
    from {{ ref('pistes_preuves') }}
    group by all
),

redaction as (
    select
        r.*,
        case when not r.offre_mesuree then 'a_preciser'
             when coalesce(r.quantite_offre, 0) = 0 or r.toutes_zones_blanches then 'nouvelle'
             else 'renforcement' end as nature,
        m.cadre,
        m.dispositifs_lies,
        m.indicateur_suivi,
        m.partenaires_modele,
        m.actions,
        m.objet,
        m.action_nouvelle,
        m.action_renforcement,
        dd.donnees_manquantes,
        dd.detenteurs,
        a.acteurs,
        coalesce(a.nb_associes, 0) as nb_acteurs_associes,
        a.partenaires_manquants,
        case when r.echelle = 'departement'
             then 'à l''échelle du département (' || r.libelle_territoire_principal || ')'
             when r.nb_territoires = 1 then 'sur le territoire ' || r.de_premier
             else 'en priorité sur les territoires ' || r.de_premier
                  || case when r.nb_territoires > 2
                          then ', ' || array_to_string(r.territoires[2:len(r.territoires) - 1], ', ')
                          else '' end
                  || ' et ' || r.territoires[len(r.territoires)] end as lieu,
        concat_ws(' ; ', b.figure_besoin, coalesce(o.figure_offre, b.figure_besoin_2), fa.figure_acces)
            as pourquoi_brut
    from retenues as r
    inner join {{ ref('priorites_modeles_pistes') }} as m on m.code_domaine = r.code_domaine
    left join {{ ref('priorites_donnees_domaines') }} as dd on dd.code_domaine = r.code_domaine
    left join acteurs_texte as a on a.id_piste = r.id_piste
    left join besoin as b on b.id_piste = r.id_piste
    left join offre as o on o.id_piste = r.id_piste
    left join figure_acces as fa on fa.id_piste = r.id_piste
),

final as (
    select
        id_piste,
        id_priorite,
        code_departement,
        code_axe,
        libelle_axe,
        code_domaine,
        libelle_domaine,
        echelle,
        niveau,
        code_territoire,
        array_to_string(territoires, ', ') as libelle_territoire,
        array_to_string(codes_territoires, ', ') as codes_territoires,
        nb_territoires,
        nb_territoires_classes,
        rang_piste,
        rang_axe,
        score,
        nature,
        case nature when 'nouvelle' then 'nouvelle' when 'renforcement' then 'renforcement'
             else 'à préciser (offre non mesurée)' end as libelle_nature,
        case nature when 'nouvelle' then action_nouvelle
                    when 'renforcement' then action_renforcement
                    else action_nouvelle || ' ou ' || lower(action_renforcement) end
            || ' ' || objet || ' ' || lieu || ', dans le cadre ' || cadre as intitule,
        upper(left(actions, 1)) || substr(actions, 2) || '.' as actions_proposees,
        nullif(pourquoi_brut, '') as pourquoi,
        coalesce(acteurs, partenaires_modele) as acteurs_a_associer,
        acteurs is not null as acteurs_issus_du_graphe,
        nb_acteurs_associes,
        partenaires_manquants,
        concat_ws(' ; ',
            'données manquantes : ' || donnees_manquantes || ' (détenues par ' || detenteurs || ')',
            case when nb_composantes_besoin_min = 1 then 'besoin mesuré par un seul indicateur' end,
            case when not offre_mesuree_partout
                 then 'offre non mesurée sur '
                      || case when offre_mesuree then 'une partie de ces territoires'
                              when nb_territoires > 1 then 'ces territoires' else 'ce territoire' end
                      || ' : aucune source publique ne la recense' end,
            case when coordination_non_evaluee
                 then 'coordination des acteurs non évaluée par le graphe sur '
                      || case when nb_territoires > 1 then 'une partie de ces territoires' else 'ce territoire' end
            end) as limites,
        cadre,
        -- the seed writes the list « a|b » (a CSV cell); the mart holds a native list
        string_split(nullif(trim(dispositifs_lies), ''), '|') as dispositifs_lies,
        indicateur_suivi,
        nb_services_existants,
        case when unite_offre is null then 'offre non mesurée'
             when coalesce(quantite_offre, 0) = 0
             then case unite_offre when 'places' then 'aucune place d''accueil'
                                   when 'equipements' then 'aucun équipement du domaine'
                                   else 'aucun service du domaine' end
             else {{ nombre_fr('quantite_offre', 0) }} || ' '
                  || case unite_offre when 'places' then 'place' when 'equipements' then 'équipement'
                                      else 'service' end
                  || case when quantite_offre >= 2 then 's' else '' end
                  || case unite_offre when 'places' then ' d''accueil' else ' du domaine' end
        end as offre_existante,
        public_cible,
        coalesce(pr.nb_preuves_indicateurs, 0) as nb_preuves_indicateurs,
        coalesce(pr.nb_preuves_ecarts, 0) as nb_preuves_ecarts,
        coalesce(pr.nb_preuves_liens_manquants, 0) as nb_preuves_liens_manquants,
        coalesce(pr.nb_preuves_passages, 0) as nb_preuves_passages,
        coalesce(pr.nb_preuves_parole, 0) as nb_preuves_parole
    from redaction
    left join preuves as pr using (id_piste)
)

select * from final
