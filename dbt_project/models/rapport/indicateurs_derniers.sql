{#-
  The indicator tables of the report (its context, axis and annex sections): for each département,
  the latest value of every indicator of the département itself, of its communes and of the EPT /
  EPCI its priorities rank (mart priorites, echelle 'infra'), with the catalogue's label, domain,
  axis, source, unit, direction and vintage. code_departement is the département whose report shows
  the row; departement_territoire the territory's own département (an EPCI's seat may lie outside).

  A view, not a table: the report reads it with `where code_departement = ?`, and DuckDB pushes that
  filter into each branch of the union (explain analyze: the scans of marts.indicateurs keep only the
  département, its communes and its ranked EPCI; the window, whose partition starts with
  code_departement, becomes a group by over those rows only: 10 083 for 59). Measured on a warehouse
  holding 93 and 59 (465 000 commune rows; DuckDB 2.0; median of 40 interleaved warm reads, shared
  machine): 93 reads in 30,7 ms (the former query in the report: 24,8; a table: 13,3), 59 in 78,9 ms
  (70,9; 38,4). A table would save ≈ 10-40 ms at each report but cost 0,8-1,8 s at each build to
  write 394 000 rows (the communes of every département), so a view.
-#}
with perimetre as (
    select i.code_territoire as code_departement, i.* rename (code_departement as departement_territoire)
    from {{ ref('indicateurs') }} as i
    where i.niveau = 'departement'
    union all
    select i.code_departement, i.* rename (code_departement as departement_territoire)
    from {{ ref('indicateurs') }} as i
    where i.niveau = 'commune'
    union all
    select p.code_departement, i.* rename (code_departement as departement_territoire)
    from {{ ref('indicateurs') }} as i
    inner join (
        select distinct code_departement, niveau, code_territoire
        from {{ ref('priorites') }}
        where echelle = 'infra'
    ) as p using (niveau, code_territoire)
),

derniers as (
    select *
    from perimetre
    qualify row_number() over (
        partition by code_departement, niveau, code_territoire, code_indicateur order by annee desc
    ) = 1
)

select
    d.*,
    c.libelle as libelle_indicateur,
    c.code_domaine,
    c.code_axe,
    c.source,
    c.unite,
    c.sens,
    c.millesime
from derniers as d
left join {{ ref('indicateurs_catalogue') }} as c using (code_indicateur)
