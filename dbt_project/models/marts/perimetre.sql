-- The perimeter of each département's files for people (the analysts' workbook, the Parquet
-- exports, the need extracts): the territories whose rows they hold. One owner: every exporter
-- reads this table (rapport/donnees.py, orchestration/assets/outputs_besoins.py) instead of
-- computing it. Schema `rapport`, beside the workbook's vocabulary: it shapes the files, it is
-- not a table of the diagnostic itself, so it gets no sheet of its own.
--   rattachement 'territoire': the département, its communes and QPV, and every EPCI or EPT one of
--                its communes belongs to (an EPCI spanning several départements is in the perimeter
--                of each);
--   rattachement 'reference':  its région and France, the reference values of its figures.
with territoires as (
    select niveau, code_territoire, code_departement, code_region, code_epci, code_ept
    from {{ ref('territoires') }}
),

communes as (
    select code_departement, code_epci, code_ept from territoires where niveau = 'commune'
),

departements as (
    select code_territoire as code_departement, code_region from territoires where niveau = 'departement'
),

propres as (
    select code_departement, niveau, code_territoire
    from territoires
    where niveau in ('departement', 'commune', 'qpv') and code_departement is not null
    union
    select code_departement, 'epci', code_epci from communes where code_epci is not null
    union
    select code_departement, 'ept', code_ept from communes where code_ept is not null
),

references_ as (
    select d.code_departement, t.niveau, t.code_territoire
    from departements as d
    inner join territoires as t
        on (t.niveau = 'region' and t.code_territoire = d.code_region) or t.niveau = 'france'
)

select code_departement, niveau, code_territoire, 'territoire' as rattachement from propres
union all
select code_departement, niveau, code_territoire, 'reference' from references_
