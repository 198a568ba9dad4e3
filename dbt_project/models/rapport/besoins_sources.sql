{#-
  Per département and domain, the sources and years of the indicators behind its communes' need
  index (mart besoins_composantes, catalogue's source column): what the report's need maps cite.
  A catalogue source may list several publications (« France Travail 2025 ; population légale
  2023 »): each is named once, in the order of the sorted sources.
-#}
with composantes as (
    select code_departement, code_domaine, code_indicateur, annee
    from {{ ref('besoins_composantes') }}
    where niveau = 'commune' and code_departement is not null
),

sources as (
    select distinct b.code_departement, b.code_domaine, c.source
    from composantes as b
    inner join {{ ref('indicateurs_catalogue') }} as c using (code_indicateur)
    where c.source is not null
),

morceaux as (
    select
        code_departement,
        code_domaine,
        source,
        trim(unnest(string_split(source, ' ; '))) as morceau,
        unnest(range(1, len(string_split(source, ' ; ')) + 1)) as position
    from sources
),

-- the first place each publication is named, in the order of the sorted sources
premiers as (
    select *
    from morceaux
    where morceau <> ''
    qualify row_number() over (
        partition by code_departement, code_domaine, morceau order by source, position
    ) = 1
),

citees as (
    select code_departement, code_domaine, string_agg(morceau, ' ; ' order by source, position) as sources
    from premiers
    group by 1, 2
),

annees as (
    select code_departement, code_domaine, min(annee) as annee_min, max(annee) as annee_max
    from composantes
    group by 1, 2
)

select a.code_departement, a.code_domaine, c.sources, a.annee_min, a.annee_max
from annees as a
left join citees as c using (code_departement, code_domaine)
