-- Supply per territory and Pacte domain: structures and services located in the territory,
-- services per 10,000 inhabitants and per 1,000 people of the domain's target public (seed
-- offre_publics_cibles, effectives from marts.indicateurs). Levels: commune, EPCI, EPT,
-- département, région, France. Every territory appears for every domain that has at least one
-- service in France (zeros included). QPV are not a level here: no source gives the QPV of a
-- place and the snapshot has no QPV outlines to place points in (docs/offre.md).
with services as (
    select * from {{ ref('services') }} where code_commune is not null
),

territoires as (
    select * from {{ ref('territoires') }} where niveau in ('commune', 'epci', 'ept', 'departement', 'region', 'france')
),

domaines as (
    select a.code_axe, a.code_domaine, a.libelle_domaine
    from {{ ref('axes_domaines') }} as a
    where a.code_domaine in (select code_domaine from services)
),

publics as (
    select * from {{ ref('offre_publics_cibles') }}
),

-- each located service counted once at every level holding its commune
rattachements as (
    select 'commune' as niveau, code_commune as code_territoire, code_domaine, id_service, id_structure from services
    union all
    select 'epci', code_epci, code_domaine, id_service, id_structure from services where code_epci is not null
    union all
    select 'ept', code_ept, code_domaine, id_service, id_structure from services where code_ept is not null
    union all
    select 'departement', code_departement, code_domaine, id_service, id_structure from services
    union all
    select 'region', code_region, code_domaine, id_service, id_structure from services
    union all
    select 'france', 'FR', code_domaine, id_service, id_structure from services
    where code_departement in (select code_territoire from territoires where niveau = 'departement')
),

comptes as (
    select
        niveau, code_territoire, code_domaine,
        count(distinct id_structure) as nb_structures,
        count(distinct id_service) as nb_services
    from rattachements
    group by all
),

-- effective of each target public: latest published year, NULL when secret or missing
effectifs as (
    select
        i.niveau,
        i.code_territoire,
        i.code_indicateur,
        arg_max(case when p.grandeur = 'numerateur' then i.numerateur else i.denominateur end, i.annee)
            filter (where not coalesce(i.secret, false)
                    and (case when p.grandeur = 'numerateur' then i.numerateur else i.denominateur end) is not null)
            as effectif,
        max(i.annee) filter (where (case when p.grandeur = 'numerateur' then i.numerateur else i.denominateur end)
            is not null) as annee_effectif
    from {{ ref('indicateurs') }} as i
    inner join (select distinct code_indicateur, grandeur from publics where grandeur <> 'population') as p
        on p.code_indicateur = i.code_indicateur
    group by all
),

final as (
    select
        t.niveau,
        t.code_territoire,
        t.libelle,
        t.code_departement,
        t.code_region,
        d.code_axe,
        d.code_domaine,
        d.libelle_domaine,
        coalesce(c.nb_structures, 0) as nb_structures,
        coalesce(c.nb_services, 0) as nb_services,
        t.population,
        case when t.population > 0 then coalesce(c.nb_services, 0) * 10000.0 / t.population end
            as services_pour_10000_habitants,
        p.public_cible,
        case when p.grandeur = 'population' then t.population else e.effectif end as population_cible,
        case when p.grandeur = 'population' then t.annee_population else e.annee_effectif end
            as annee_population_cible,
        p.source_public,
        case
            when (case when p.grandeur = 'population' then t.population else e.effectif end) > 0
                then coalesce(c.nb_services, 0) * 1000.0
                    / (case when p.grandeur = 'population' then t.population else e.effectif end)
        end as services_pour_1000_public_cible
    from territoires as t
    cross join domaines as d
    left join comptes as c
        on c.niveau = t.niveau and c.code_territoire = t.code_territoire and c.code_domaine = d.code_domaine
    left join publics as p on p.code_domaine = d.code_domaine
    left join effectifs as e
        on e.niveau = t.niveau and e.code_territoire = t.code_territoire and e.code_indicateur = p.code_indicateur
)

select * from final
