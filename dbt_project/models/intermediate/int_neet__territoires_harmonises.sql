-- NEET rates (published as rates only, no counts). Commune codes 2021-2022 → COG 2026: a rate is
-- kept only when exactly one old commune maps to the 2026 commune. EPCI rows are kept when their
-- SIREN is still an EPCI of 2026; départements and régions as published.
with brut as (
    select * from {{ ref('stg_neet__part_non_inseres') }}
),

source as (
    select * from brut where niveau <> 'commune'
    union all
    select * from ({{ sans_arrondissements_en_double("(select * from brut where niveau = 'commune')", 'code_territoire_source') }})
),

communes as (
    select
        'commune' as niveau,
        co.code_commune as code_territoire,
        s.annee,
        case when count(*) = 1 then any_value(s.part_non_inseres) end as part_non_inseres,
        bool_or(s.part_non_inseres_secret) as secret
    from source as s
    inner join {{ ref('int_communes__correspondance') }} as co on co.code_commune_source = s.code_territoire_source
    where s.niveau = 'commune'
    group by co.code_commune, s.annee
),

supra as (
    select
        s.niveau,
        s.code_territoire_source as code_territoire,
        s.annee,
        s.part_non_inseres,
        s.part_non_inseres_secret as secret
    from source as s
    where s.niveau in ('departement', 'region')
        or (s.niveau = 'epci' and s.code_territoire_source in (select code_epci from {{ ref('stg_cog__epci') }}))
),

final as (
    select * from communes
    union all
    select * from supra
)

select * from final
