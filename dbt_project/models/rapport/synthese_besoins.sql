{#-
  The « Besoin du département par domaine » table of the workbook's synthesis sheets: each
  département's need index per domain (mart besoins, level département).
-#}
select
    code_territoire as code_departement,
    code_axe,
    libelle_domaine,
    indice_besoin,
    nb_composantes
from {{ ref('besoins') }}
where niveau = 'departement'
