-- Population living in a QPV (2015 list, ONPV data 2022, RP ~2018) by COG 2026 commune.
-- The source gives, per QPV, the names of the communes of its group and the QPV / total
-- population of that group. A commune gets a value only when every group touching it lies
-- wholly inside it (after mapping to COG 2026) and those groups do not share a commune, so
-- that populations are summed, never split or double counted.
with qpv as (
    select * from {{ ref('stg_qpv__demographie_2015') }}
),

communes_2023 as (
    select code_commune, code_departement, libelle, type_commune
    from {{ ref('stg_cog__communes_2023') }}
    where type_commune in ('COM', 'ARM')
),

membres as (
    select
        q.code_qpv_2015,
        q.code_departement,
        q.libelle_communes as groupe,
        trim(nom.libelle) as libelle_commune
    from qpv as q, unnest(string_split(q.libelle_communes, ',')) as nom(libelle)
),

membres_codes as (
    select
        m.code_qpv_2015,
        m.groupe,
        m.libelle_commune,
        co.code_commune
    from membres as m
    left join communes_2023 as c
        on c.code_departement = m.code_departement and lower(c.libelle) = lower(m.libelle_commune)
    left join {{ ref('int_communes__correspondance') }} as co on co.code_commune_source = c.code_commune
),

groupes as (
    select
        groupe,
        count(distinct libelle_commune) as nb_communes_source,
        bool_and(code_commune is not null) as tous_identifies,
        count(distinct code_commune) as nb_communes_2026,
        any_value(code_commune) as code_commune
    from membres_codes
    group by groupe
),

groupes_par_commune as (
    select distinct code_commune, groupe from membres_codes where code_commune is not null
),

noms_par_commune as (
    select gc.code_commune, count(distinct m.libelle_commune) as nb_noms
    from groupes_par_commune as gc
    inner join membres_codes as m on m.groupe = gc.groupe
    group by gc.code_commune
),

attribuables as (
    -- every group touching the commune maps wholly into it, and the groups share no commune
    select gc.code_commune
    from groupes_par_commune as gc
    inner join groupes as g on g.groupe = gc.groupe
    inner join noms_par_commune as n on n.code_commune = gc.code_commune
    group by gc.code_commune, n.nb_noms
    having bool_and(g.tous_identifies and g.nb_communes_2026 = 1)
        and sum(g.nb_communes_source) = n.nb_noms
),

populations_groupes as (
    select
        libelle_communes as groupe,
        sum(population_qpv) as population_qpv,
        bool_or(population_qpv is null) as secret,
        count(*) as nb_qpv,
        -- the same for every QPV of the group
        max(population_communes_groupe) as population_communes
    from qpv
    group by libelle_communes
),

final as (
    select
        gc.code_commune,
        sum(p.population_qpv) as population_qpv,
        sum(p.population_communes) as population_communes,
        sum(p.nb_qpv) as nb_qpv_2015,
        bool_or(p.secret) as secret
    from groupes_par_commune as gc
    inner join attribuables as a on a.code_commune = gc.code_commune
    inner join populations_groupes as p on p.groupe = gc.groupe
    group by gc.code_commune
)

select * from final
