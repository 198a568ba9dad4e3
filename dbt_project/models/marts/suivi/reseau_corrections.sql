-- Every correction of the network the comité sent back (actor added, link added, link marked
-- wrong), with its author's role and date, never overwritten: the trace of what the graph applied.
-- A link marked wrong is absent from marts.liens and from the analysis; it stays here.
select
    r.code_departement,
    r.version,
    r.fichier,
    r.depose_le,
    r.auteur_role,
    r.date_saisie,
    r.feuille,
    r.ligne,
    r.action,
    l.libelle as libelle_action,
    r.id_acteur,
    r.nom,
    r.type_acteur,
    r.code_commune,
    r.id_lien,
    r.id_source,
    r.libelle_source,
    r.id_cible,
    r.libelle_cible,
    r.type_lien,
    r.preuve,
    r.commentaire
from {{ ref('stg_suivi__reseau_corrections') }} r
left join {{ ref('classeur_suivi_listes') }} l on l.liste = 'action' and l.valeur = r.action
