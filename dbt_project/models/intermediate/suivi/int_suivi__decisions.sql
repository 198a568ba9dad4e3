{{ config(materialized='view', tags=["apres_graphe", "suivi"]) }}
-- Every decision row read from the comité's workbooks (raw.suivi_decisions, append-only), with
-- whether its priority is one of the present diagnostic (marts.priorites, built in the same step):
-- the reader stores every well-formed row, and this relation between two tables is dbt's check.
-- marts.suivi_decisions keeps the rows whose priority exists; the warning test
-- suivi_decisions_priorites_connues lists the others with their workbook, row and column (named as
-- the readers' quarantine names a cell, from the workbook's vocabulary: seed classeur_suivi_colonnes).
select
    d.*,
    exists (
        select 1 from {{ ref('priorites') }} p
        where p.id_priorite = d.id_priorite and p.code_departement = d.code_departement
    ) as priorite_connue,
    'feuille « ' || c.feuille || ' », colonne ' || chr(64 + c.ordre) || ' (' || c.entete || ')' as champ_priorite
from {{ source('suivi', 'suivi_decisions') }} d
left join {{ ref('classeur_suivi_colonnes') }} c on c.classeur = 'decisions' and c.colonne = 'id_priorite'
