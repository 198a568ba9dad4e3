{#-
  The ranked priorities of the workbook's synthesis sheets (mart priorites): per département, axis
  and scale (EPT / EPCI or département), the columns the sheet shows, and the reason of the lines
  left unranked for want of data.
-#}
select
    code_departement,
    code_axe,
    echelle,
    donnees_suffisantes,
    rang_axe,
    libelle_territoire,
    libelle_domaine,
    score,
    indice_besoin,
    indice_offre,
    ecart_besoin_offre,
    typologie_ecart,
    zone_blanche,
    faiblesse_coordination,
    raison
from {{ ref('priorites') }}
