-- The comité's decisions, one row per decision and version (a version = one deposited workbook),
-- never overwritten: the history of raw.suivi_decisions, numbered, with the priority's names and
-- the follow-up indicator's current value (marts.indicateurs, latest year) beside its baseline.
-- Only the decisions on a priority of the present diagnostic (int_suivi__decisions): the others stay
-- in the raw table, listed by the test suivi_decisions_priorites_connues with their workbook and row;
-- a priority that comes back brings its decisions back.
with decisions as (
    select * exclude (priorite_connue, champ_priorite) from {{ ref('int_suivi__decisions') }}
    where priorite_connue
),

versions as (
    select
        code_departement, version,
        row_number() over (
            partition by code_departement order by min(date_comite), min(depose_le), version
        ) as numero_version
    from decisions
    group by code_departement, version
),

numerotees as (
    select
        d.*,
        v.numero_version,
        v.numero_version = max(v.numero_version) over (partition by d.code_departement, d.id_priorite)
            as derniere_version
    from decisions d
    join versions v using (code_departement, version)
),

actuelles as (
    select niveau, code_territoire, code_indicateur, annee, valeur,
           row_number() over (partition by niveau, code_territoire, code_indicateur order by annee desc) as n
    from {{ ref('indicateurs') }}
    where valeur is not null
)

select
    n.code_departement,
    n.id_priorite,
    n.numero_version,
    n.derniere_version,
    n.version,
    n.fichier,
    n.depose_le,
    n.auteur_role,
    n.date_comite,
    p.code_axe,
    p.libelle_axe,
    p.code_domaine,
    p.libelle_domaine,
    p.niveau,
    p.code_territoire,
    p.libelle_territoire,
    n.decision,
    l.libelle as libelle_decision,
    n.id_pilote,
    n.pilote,
    n.partenaires,
    n.echeance,
    n.indicateur_suivi,
    n.valeur_depart,
    n.date_depart,
    n.code_indicateur,
    coalesce(c.libelle, n.libelle_indicateur) as libelle_indicateur,
    c.unite as unite_indicateur,
    c.sens as sens_indicateur,
    n.valeur_reference,
    n.annee_reference,
    a.valeur as valeur_actuelle,
    a.annee as annee_actuelle,
    n.commentaire
from numerotees n
join {{ ref('priorites') }} p on p.id_priorite = n.id_priorite and p.code_departement = n.code_departement
left join {{ ref('classeur_suivi_listes') }} l on l.liste = 'decision' and l.valeur = n.decision
left join {{ ref('indicateurs_catalogue') }} c on c.code_indicateur = n.code_indicateur
left join actuelles a
    on a.n = 1 and a.niveau = p.niveau and a.code_territoire = p.code_territoire
    and a.code_indicateur = n.code_indicateur
