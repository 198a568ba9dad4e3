-- Maps every commune code met in a source (older COG vintages, delegated and associated
-- communes, arrondissements municipaux, codes changed by mergers) to its COG 2026 commune.
-- One row per source code. Priority when several routes exist: the code is a current commune
-- (1) > delegated/associated commune of the 2026 file → its chef-lieu (2) > arrondissement →
-- its commune (3) > listed in `anciens_codes` of a 2026 commune (4) > chain of mergers of the
-- mouvements file (5). Splits (rétablissements) are not followed: the older, larger commune
-- keeps its code when it still exists.
with recursive communes_2026 as (
    select * from {{ ref('stg_cog__communes') }}
),

actuelles as (
    select code_commune from communes_2026 where type_commune = 'commune-actuelle'
),

routes_directes as (
    select code_commune as code_commune_source, code_commune, 'commune_actuelle' as origine, 1 as priorite
    from actuelles

    union all

    select c.code_commune, c.code_chef_lieu,
        case when c.type_commune = 'commune-deleguee' then 'commune_deleguee' else 'commune_associee' end, 2
    from communes_2026 as c
    inner join actuelles as a on a.code_commune = c.code_chef_lieu
    where c.type_commune in ('commune-deleguee', 'commune-associee')

    union all

    select c.code_commune, c.code_commune_parente, 'arrondissement_municipal', 3
    from communes_2026 as c
    inner join actuelles as a on a.code_commune = c.code_commune_parente
    where c.type_commune = 'arrondissement-municipal'

    union all

    select ancien.code, c.code_commune, 'ancien_code', 4
    from communes_2026 as c, unnest(c.anciens_codes) as ancien(code)
    where c.type_commune = 'commune-actuelle' and ancien.code <> ''
),

directes as (
    select *
    from routes_directes
    qualify row_number() over (partition by code_commune_source order by priorite, code_commune) = 1
),

-- mergers and code changes since 2000 (creations and re-establishments are not followed)
aretes as (
    select distinct code_avant, code_apres, date_effet
    from {{ ref('stg_cog__mouvements') }}
    where code_evenement in (31, 32, 33, 34, 41, 50)
        and type_apres = 'COM'
        and code_avant <> code_apres
        and date_effet >= date '2000-01-01'
),

chaines as (
    select code_avant as code_commune_source, code_apres as code_courant, date_effet, 1 as etape
    from aretes

    union all

    select ch.code_commune_source, a.code_apres, a.date_effet, ch.etape + 1
    from chaines as ch
    inner join aretes as a on a.code_avant = ch.code_courant and a.date_effet >= ch.date_effet
    where ch.etape < 8
),

fins_de_chaine as (
    select ch.code_commune_source, d.code_commune, ch.etape, ch.date_effet
    from chaines as ch
    inner join directes as d on d.code_commune_source = ch.code_courant
),

par_mouvements as (
    select code_commune_source, code_commune, 'mouvement_de_commune' as origine, 5 as priorite
    from fins_de_chaine
    qualify row_number() over (
        partition by code_commune_source order by date_effet desc, etape desc, code_commune
    ) = 1
),

toutes as (
    select code_commune_source, code_commune, origine, priorite from directes
    union all
    select code_commune_source, code_commune, origine, priorite from par_mouvements
),

final as (
    select code_commune_source, code_commune, origine
    from toutes
    qualify row_number() over (partition by code_commune_source order by priorite, code_commune) = 1
)

select * from final
