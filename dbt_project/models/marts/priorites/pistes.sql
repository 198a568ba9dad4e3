{{ config(tags=["apres_graphe"]) }}

{#-
  Contractualisation leads (Étape 3): for the first priorities of each axis (see pistes_selection),
  one lead written in French from the domain's rule
  template (seed priorites_modeles_pistes). Whether the lead is new or a reinforcement comes from
  the offer already present; its actors and evidence are in marts.pistes_acteurs and
  marts.pistes_preuves.
-#}
{%- set p = var('priorites', none) -%}
{%- if execute and p is none -%}
  {{ exceptions.raise_compiler_error(
      "marts.pistes needs the dbt var 'priorites' (the weights of config/priorites.yml)") }}
{%- endif %}

with retenues as (
    select * from {{ ref('pistes_selection') }}
),

acteurs as (
    select pa.id_piste, pa.role, pa.ordre, pa.libelle_acteur, n.libelle_type_acteur
    from {{ ref('pistes_acteurs') }} as pa
    left join {{ source('graphe', 'acteurs') }} as n
        on n.id_noeud = pa.id_acteur and n.code_departement = pa.code_departement
),

noms as (
    -- who the lead names: two pilots of the related dispositifs, two missing partners, and the kinds
    -- of operators present (the full list is in marts.pistes_acteurs)
    select id_piste,
        list(libelle_acteur order by ordre) filter (where role = 'pilote_dispositif')[1:2] as pilotes,
        list(libelle_acteur order by ordre) filter (where role = 'partenaire_manquant')[1:2] as manquants,
        list_sort(list_distinct(list(libelle_type_acteur) filter (where role = 'operateur'))) as types_operateurs
    from acteurs
    group by id_piste
),

elements as (
    select id_piste,
        list_concat(
            coalesce(pilotes, []),
            list_filter(coalesce(manquants, []), lambda x: not list_contains(coalesce(pilotes, []), x)),
            case when len(coalesce(types_operateurs, [])) > 0
                 then ['les structures ' || array_to_string(types_operateurs, ', ') || ' présentes sur le territoire']
                 else [] end
        ) as liste
    from noms
),

acteurs_pistes as (
    select id_piste,
        case when len(liste) = 0 then null
             when len(liste) = 1 then liste[1]
             else array_to_string(liste[1:len(liste) - 1], ', ') || ' et ' || liste[len(liste)] end as acteurs
    from elements
),

manquants as (
    select id_piste, string_agg(distinct libelle_acteur, ', ' order by libelle_acteur) as partenaires_manquants
    from {{ ref('pistes_acteurs') }}
    where role = 'partenaire_manquant'
    group by all
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
        r.id_piste,
        r.id_priorite,
        r.code_departement,
        r.code_axe,
        r.libelle_axe,
        r.code_domaine,
        r.libelle_domaine,
        r.niveau,
        r.code_territoire,
        r.libelle_territoire,
        r.rang_axe,
        r.score,
        r.nb_services_existants,
        r.public_cible,
        r.nature,
        m.cadre,
        m.dispositifs_lies,
        m.indicateur_suivi,
        m.partenaires_modele,
        a.acteurs,
        mq.partenaires_manquants,
        case when r.echelle = 'departement'
             then 'à l''échelle du département (' || r.libelle_territoire || ')'
             when regexp_matches(lower(strip_accents(r.libelle_territoire)), '^[aeiouyh]')
             then 'sur le territoire d''' || r.libelle_territoire
             else 'sur le territoire de ' || r.libelle_territoire end as lieu,
        case when r.nature = 'nouvelle' then m.action_nouvelle else m.action_renforcement end as action,
        m.objet
    from retenues as r
    inner join {{ ref('priorites_modeles_pistes') }} as m on m.code_domaine = r.code_domaine
    left join acteurs_pistes as a on a.id_piste = r.id_piste
    left join manquants as mq on mq.id_piste = r.id_piste
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
        niveau,
        code_territoire,
        libelle_territoire,
        rang_axe,
        score,
        nature,
        -- actors' names carry no article (« Département de la Seine-Saint-Denis »): listed after a
        -- colon rather than after « avec », the sentence reads right whatever the names
        action || ' ' || objet || ' ' || lieu || ', dans le cadre ' || cadre
            || ' ; acteurs à associer : ' || coalesce(acteurs, partenaires_modele) as intitule,
        coalesce(acteurs, partenaires_modele) as acteurs_a_associer,
        acteurs is not null as acteurs_issus_du_graphe,
        partenaires_manquants,
        cadre,
        dispositifs_lies,
        indicateur_suivi,
        nb_services_existants,
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
