{{ config(tags=["apres_graphe"], severity='warn', meta={"dagster": {"ref": {"name": "suivi_decisions"}}}) }}
{#- The comité's decisions whose priority is not one of the present diagnostic (its key changed or the
    row was added in the workbook, or the priority left the diagnostic since): left out of
    marts.suivi_decisions, kept in the raw table. One row per workbook row, with the workbook, the row
    and the column as the readers' quarantine names them (listed with it by `pacte build`). -#}
-- depends_on: {{ ref('suivi_decisions') }}  (the check is shown on the mart these rows leave)
select
    code_departement,
    fichier,
    ligne,
    champ_priorite as champ,
    'priorité inconnue : la ligne ne correspond à aucune priorité du diagnostic présent '
        || '(clé modifiée, ligne ajoutée ou priorité sortie du diagnostic)' as motif,
    id_priorite,
    version
from {{ ref('int_suivi__decisions') }}
where not priorite_connue
