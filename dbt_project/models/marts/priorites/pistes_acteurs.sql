{{ config(tags=["apres_graphe"]) }}

{#-
  The actors of each contractualisation lead, drawn from the coordination graph, one row per
  (lead, actor): an actor has one role in a lead.
  Actors to associate (role, in this order of precedence when an actor qualifies twice):
    pilote_dispositif   pilots (edges `pilote`) of the current instances of the dispositifs related
                        to the lead's domain (seed priorites_modeles_pistes.dispositifs_lies) that
                        cover one of the lead's territories or the whole département;
    courtier            brokers of the graph (marts.coordination_acteurs.role_courtage other than
                        `aucun`) tied to one of those dispositifs or acting on one of the lead's
                        territories, by decreasing betweenness;
    operateur           actors that offer (edges `offre`) services of the domain located in a
                        commune of the lead's territories, by number of services.
  The lead names `pistes.acteurs_max` of them (cite), taking in turn the first pilot, the first
  broker, the first operator, the second pilot... (rang_citation), and counts the others.
  Missing partners:
    partenaire_manquant the expected partners named by the graph's missing links that bear on the
                        lead (see pistes_liens_manquants), 5 at most, EXCEPT the actors already
                        associated with the lead: an actor the lead associates is not also reported
                        missing from it (its missing tie stays among the lead's evidence).
-#}
{%- set p = var('priorites', none) -%}
{%- set acteurs_max = p['pistes']['acteurs_max'] if p else 5 -%}

with selection as (
    select * from {{ ref('pistes_selection') }}
),

pistes as (
    select distinct id_piste, code_departement, code_domaine, dispositifs_lies from selection
),

noeuds as (
    select * from {{ source('graphe', 'acteurs') }}
    where code_departement in (select code_departement from pistes)
),

liens as (
    select * from {{ source('graphe', 'liens') }}
    where code_departement in (select code_departement from pistes)
),

dispositifs as (
    select distinct s.id_piste, d.id_noeud as id_dispositif, d.libelle as libelle_dispositif
    from selection as s
    inner join noeuds as d
        on d.type_noeud = 'dispositif' and d.code_departement = s.code_departement
        and not coalesce(d.historique, false)
        and list_contains(string_split(s.dispositifs_lies, '|'), d.code_dispositif)
        and ((d.niveau = 'departement' and d.code_territoire = s.code_departement)
             or (d.niveau = s.niveau and d.code_territoire = s.code_territoire))
),

pilotes as (
    select dsp.id_piste, a.id_noeud as id_acteur, any_value(a.libelle) as libelle_acteur,
        'pilote_dispositif' as role, 1 as priorite_role,
        'pilote : ' || string_agg(distinct dsp.libelle_dispositif, ', ' order by dsp.libelle_dispositif) as justification,
        -count(distinct dsp.id_dispositif) as rang
    from dispositifs as dsp
    inner join liens as l on l.cible = dsp.id_dispositif and l.type_lien = 'pilote'
    inner join noeuds as a on a.id_noeud = l.source and a.type_noeud = 'acteur'
    group by dsp.id_piste, a.id_noeud
),

courtage as (
    select id_noeud, role_courtage, intermediarite
    from {{ source('graphe', 'coordination_acteurs') }}
    where type_noeud = 'acteur' and coalesce(role_courtage, 'aucun') <> 'aucun'
      and code_departement in (select code_departement from pistes)
),

courtiers_bruts as (
    -- brokers tied (any edge, either way) to a related dispositif of the lead...
    select dsp.id_piste, l.source as id_acteur
    from dispositifs as dsp
    inner join liens as l on l.cible = dsp.id_dispositif
    union
    select dsp.id_piste, l.cible as id_acteur
    from dispositifs as dsp
    inner join liens as l on l.source = dsp.id_dispositif
    union
    -- ...or acting on one of the lead's territories (an EPT, an EPCI, the département's services)
    select s.id_piste, a.id_noeud as id_acteur
    from selection as s
    inner join noeuds as a
        on a.type_noeud = 'acteur' and a.niveau = s.niveau and a.code_territoire = s.code_territoire
),

courtiers as (
    select b.id_piste, a.id_noeud as id_acteur, a.libelle as libelle_acteur, 'courtier' as role,
        2 as priorite_role,
        'relie des groupes d''acteurs séparés (rôle de courtage : '
            || replace(c.role_courtage, '_', ' ') || ')' as justification,
        -c.intermediarite as rang
    from (select distinct id_piste, id_acteur from courtiers_bruts) as b
    inner join courtage as c on c.id_noeud = b.id_acteur
    inner join noeuds as a on a.id_noeud = b.id_acteur and a.type_noeud = 'acteur'
),

communes as (
    select code_territoire as code_commune, code_departement, coalesce(code_ept, code_epci) as code_infra
    from {{ ref('territoires') }}
    where niveau = 'commune'
),

operateurs as (
    select s.id_piste, a.id_noeud as id_acteur, any_value(a.libelle) as libelle_acteur,
        'operateur' as role, 3 as priorite_role,
        count(distinct sv.id_noeud) || ' service(s) du domaine sur les territoires de la piste' as justification,
        -count(distinct sv.id_noeud) as rang
    from selection as s
    inner join noeuds as sv
        on sv.type_noeud = 'service' and sv.code_domaine = s.code_domaine
    inner join communes as c
        on c.code_commune = sv.code_commune
        and ((s.echelle = 'infra' and c.code_infra = s.code_territoire)
             or (s.echelle = 'departement' and c.code_departement = s.code_territoire))
    inner join liens as l on l.cible = sv.id_noeud and l.type_lien = 'offre'
    inner join noeuds as a on a.id_noeud = l.source and a.type_noeud = 'acteur'
    group by s.id_piste, a.id_noeud
),

associes_bruts as (
    select * from pilotes
    union all by name select * from courtiers
    union all by name select * from operateurs
),

associes as (
    -- one role per actor: the first in the order pilot, broker, operator
    select * from associes_bruts
    qualify row_number() over (partition by id_piste, id_acteur order by priorite_role) = 1
),

associes_ordonnes as (
    select *,
        row_number() over (partition by id_piste, role order by rang, libelle_acteur, id_acteur) as ordre
    from associes
),

associes_cites as (
    -- citation order; an actor whose name another actor of the lead already bears (several
    -- « MISSION LOCALE » structures) is counted among the others, not named twice
    select *,
        row_number() over (partition by id_piste order by ordre, priorite_role, libelle_acteur, id_acteur)
            as rang_citation,
        row_number() over (partition by id_piste, libelle_acteur
                           order by ordre, priorite_role, id_acteur) = 1 as premier_du_nom
    from associes_ordonnes
),

associes_numerotes as (
    select *,
        case when premier_du_nom
             then row_number() over (partition by id_piste, premier_du_nom order by rang_citation) end
            as rang_nom
    from associes_cites
),

manquants_bruts as (
    -- the expected partner named by each missing link bearing on the lead (pistes_liens_manquants),
    -- and, for an insertion actor without any tie to France Travail nor to the PDI, that actor too
    select l.id_piste, a.id_noeud as id_acteur, a.libelle as libelle_acteur, l.raison, l.ordre
    from {{ ref('pistes_liens_manquants') }} as l
    inner join noeuds as a
        on a.type_noeud = 'acteur'
        and (a.id_noeud = l.id_cible
             or (l.regle = 'insertion_sans_lien_ft_pdi' and a.id_noeud = l.id_source))
),

manquants as (
    select m.id_piste, m.id_acteur, any_value(m.libelle_acteur) as libelle_acteur,
        'partenaire_manquant' as role,
        arg_min(m.raison, m.ordre) as justification, min(m.ordre) as rang
    from manquants_bruts as m
    anti join associes as a on a.id_piste = m.id_piste and a.id_acteur = m.id_acteur
    where m.id_acteur is not null
    group by m.id_piste, m.id_acteur
    qualify row_number() over (partition by m.id_piste order by min(m.ordre), any_value(m.libelle_acteur)) <= 5
)

select p.code_departement, x.id_piste, x.id_acteur, x.libelle_acteur, x.role,
    case x.role
        when 'pilote_dispositif' then 'pilote d''un dispositif lié'
        when 'courtier' then 'relais entre groupes d''acteurs'
        when 'operateur' then 'structure présente'
        when 'partenaire_manquant' then 'partenaire manquant'
    end as libelle_role,
    x.ordre,
    x.rang_citation,
    coalesce(x.rang_nom <= {{ acteurs_max }}, false) as cite,
    x.justification
from (
    select id_piste, id_acteur, libelle_acteur, role, ordre, rang_citation, rang_nom, justification
    from associes_numerotes
    union all by name
    select id_piste, id_acteur, libelle_acteur, role,
        row_number() over (partition by id_piste order by rang, libelle_acteur) as ordre,
        null::bigint as rang_citation, null::bigint as rang_nom, justification
    from manquants
) as x
inner join pistes as p using (id_piste)
