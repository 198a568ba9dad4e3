{{ config(tags=["apres_graphe"]) }}

{#-
  The actors to associate with each contractualisation lead, drawn from the coordination graph:
    pilote_dispositif   pilots (edges `pilote`) of the current instances of the dispositifs related
                        to the lead's domain (seed priorites_modeles_pistes.dispositifs_lies) that
                        cover the lead's territory or the whole département;
    operateur           actors that offer (edges `offre`) services of the domain located in a
                        commune of the territory, the 5 with most services;
    partenaire_manquant the expected partners named by the graph's missing links that bear on the
                        lead (see pistes_liens_manquants), 5 at most.
-#}

with selection as (
    select s.id_piste, s.code_departement, s.code_axe, s.code_domaine, s.niveau, s.code_territoire, s.echelle,
        m.dispositifs_lies
    from {{ ref('pistes_selection') }} as s
    inner join {{ ref('priorites_modeles_pistes') }} as m on m.code_domaine = s.code_domaine
),

noeuds as (
    select * from {{ source('graphe', 'acteurs') }}
    where code_departement in (select code_departement from selection)
),

liens as (
    select * from {{ source('graphe', 'liens') }}
    where code_departement in (select code_departement from selection)
),

dispositifs as (
    select s.id_piste, d.id_noeud as id_dispositif, d.libelle as libelle_dispositif
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
        'pilote_dispositif' as role,
        'pilote : ' || string_agg(distinct dsp.libelle_dispositif, ', ') as justification,
        -count(distinct dsp.id_dispositif) as rang
    from dispositifs as dsp
    inner join liens as l on l.cible = dsp.id_dispositif and l.type_lien = 'pilote'
    inner join noeuds as a on a.id_noeud = l.source and a.type_noeud = 'acteur'
    group by dsp.id_piste, a.id_noeud
),

communes as (
    select code_territoire as code_commune, code_departement, coalesce(code_ept, code_epci) as code_infra
    from {{ ref('territoires') }}
    where niveau = 'commune'
),

operateurs_bruts as (
    select s.id_piste, a.id_noeud as id_acteur, any_value(a.libelle) as libelle_acteur,
        count(distinct sv.id_noeud) as nb_services
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

operateurs as (
    select id_piste, id_acteur, libelle_acteur, 'operateur' as role,
        nb_services || ' service(s) du domaine sur le territoire' as justification, -nb_services as rang
    from operateurs_bruts
    qualify row_number() over (partition by id_piste order by nb_services desc, libelle_acteur) <= 5
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
    select id_piste, id_acteur, any_value(libelle_acteur) as libelle_acteur, 'partenaire_manquant' as role,
        arg_min(raison, ordre) as justification, min(ordre) as rang
    from manquants_bruts
    where id_acteur is not null
    group by id_piste, id_acteur
    qualify row_number() over (partition by id_piste order by min(ordre), any_value(libelle_acteur)) <= 5
)

select s.code_departement, x.id_piste, x.id_acteur, x.libelle_acteur, x.role,
    row_number() over (partition by x.id_piste, x.role order by x.rang, x.libelle_acteur) as ordre,
    x.justification
from (
    select * from pilotes
    union all by name select * from operateurs
    union all by name select * from manquants
) as x
inner join selection as s using (id_piste)
