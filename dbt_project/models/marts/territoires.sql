-- Every territory of the need side: communes actuelles (COG 2026), EPCI à fiscalité propre,
-- EPT of the Grand Paris, départements, régions, France (métropole + DROM) and QPV 2024.
with communes as (
    select * from {{ ref('int_communes__hierarchie') }}
),

departements as (
    select * from {{ ref('stg_cog__departements') }}
),

-- the département (and région) holding most of the population of an EPCI / EPT
departement_principal as (
    select niveau, code, code_departement, code_region, code_epci
    from (
        select 'epci' as niveau, code_epci as code, code_departement, code_region, code_epci,
            sum(coalesce(population, 0)) as population
        from communes where code_epci is not null group by all
        union all
        select 'ept', code_ept, code_departement, code_region, code_epci, sum(coalesce(population, 0))
        from communes where code_ept is not null group by all
    )
    qualify row_number() over (partition by niveau, code order by population desc, code_departement) = 1
),

populations as (
    select niveau, code_territoire as code, sum(population) as population, count(*) as nb_communes
    from (
        {{- par_niveau('communes', ['population'], niveaux=['epci', 'ept', 'departement', 'region', 'france']) | indent(4) }}
    )
    group by niveau, code_territoire
),

qpv as (
    select
        code_qpv,
        any_value(libelle_qpv) as libelle,
        any_value(code_departement) as code_departement,
        list(distinct code_commune order by code_commune) as codes_communes,
        case when count(distinct code_commune) = 1 then any_value(code_commune) end as code_commune_parente
    from {{ ref('int_qpv__communes') }}
    group by code_qpv
),

lignes as (
    select
        'commune' as niveau, code_commune as code_territoire, libelle, null as code_commune_parente,
        code_epci, code_ept, code_departement, code_region, population, 1 as nb_communes,
        grille_densite, grille_ruralite, grille_centralite, est_qpv, nb_qpv_2024,
        null as type_epci, null::varchar[] as codes_communes
    from communes

    union all
    select
        case when e.est_ept then 'ept' else 'epci' end, e.code_epci, e.libelle, null,
        case when e.est_ept then dp.code_epci else e.code_epci end,
        case when e.est_ept then e.code_epci end,
        dp.code_departement, dp.code_region, p.population, p.nb_communes,
        null, null, null, null, null, e.type_epci, null
    from {{ ref('stg_cog__epci') }} as e
    left join departement_principal as dp
        on dp.niveau = case when e.est_ept then 'ept' else 'epci' end and dp.code = e.code_epci
    left join populations as p
        on p.niveau = case when e.est_ept then 'ept' else 'epci' end and p.code = e.code_epci

    union all
    select 'departement', d.code_departement, d.libelle, null, null, null, d.code_departement, d.code_region,
        p.population, p.nb_communes, null, null, null, null, null, null, null
    from departements as d
    left join populations as p on p.niveau = 'departement' and p.code = d.code_departement

    union all
    select 'region', r.code_region, r.libelle, null, null, null, null, r.code_region,
        p.population, p.nb_communes, null, null, null, null, null, null, null
    from {{ ref('stg_cog__regions') }} as r
    left join populations as p on p.niveau = 'region' and p.code = r.code_region

    union all
    select 'france', 'FR', 'France (métropole et DROM)', null, null, null, null, null,
        p.population, p.nb_communes, null, null, null, null, null, null, null
    from populations as p where p.niveau = 'france'

    union all
    select 'qpv', q.code_qpv, q.libelle, q.code_commune_parente, c.code_epci, c.code_ept, q.code_departement,
        d.code_region, null, null, null, null, null, true, null, null, q.codes_communes
    from qpv as q
    left join departements as d on d.code_departement = q.code_departement
    left join communes as c on c.code_commune = q.code_commune_parente
),

final as (
    select
        niveau,
        code_territoire,
        libelle,
        code_commune_parente,
        code_epci,
        code_ept,
        code_departement,
        code_region,
        cast(population as bigint) as population,
        case when niveau <> 'qpv' then {{ var('annee_population', 2023) }} end as annee_population,
        cast(nb_communes as integer) as nb_communes,
        grille_densite,
        grille_ruralite,
        grille_centralite,
        est_qpv,
        cast(nb_qpv_2024 as integer) as nb_qpv_2024,
        type_epci,
        codes_communes
    from lignes
)

select * from final
