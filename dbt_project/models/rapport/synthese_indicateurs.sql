{#-
  The « Indicateurs clés de l'axe » and « Contexte » tables of the workbook's synthesis sheets: each
  département's latest value of every catalogue indicator (a published value before a missing one,
  a secret one counting as published), with the région and France values and the catalogue's
  label, unit, axis and source.
-#}
with derniers as (
    select *
    from {{ ref('indicateurs') }}
    where niveau = 'departement'
    qualify row_number() over (
        partition by code_territoire, code_indicateur order by (valeur is null and not secret), annee desc
    ) = 1
)

select
    i.code_territoire as code_departement,
    c.code_axe,
    c.code_indicateur,
    c.libelle,
    c.unite,
    i.annee,
    i.valeur,
    i.secret,
    i.valeur_region,
    i.valeur_france,
    i.ecart_france,
    c.source
from derniers as i
inner join {{ ref('indicateurs_catalogue') }} as c using (code_indicateur)
