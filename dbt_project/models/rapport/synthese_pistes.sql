{#-
  The leads of the workbook's synthesis sheets (mart pistes): per département and axis, the
  columns the sheet shows.
-#}
select
    code_departement,
    code_axe,
    rang_axe,
    libelle_territoire,
    libelle_domaine,
    nature,
    intitule,
    indicateur_suivi
from {{ ref('pistes') }}
