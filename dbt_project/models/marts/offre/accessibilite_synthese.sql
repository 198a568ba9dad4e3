-- Population beyond 5, 10 and 20 km of the nearest service of each domain, per EPCI, EPT,
-- département, région and France, summed from the communes of marts.accessibilite (distances
-- from each commune's reference point). `population_sans_distance` counts the inhabitants of
-- communes without a reference point or without any service of the domain in their zone.
with acces as (
    select * from {{ ref('accessibilite') }}
),

territoires as (
    select niveau, code_territoire, libelle, code_departement as code_departement_territoire
    from {{ ref('territoires') }}
),

rattachements as (
    {{ par_niveau('acces', ['*'], niveaux=['epci', 'ept', 'departement', 'region', 'france'],
        france_si="code_departement in (select code_territoire from territoires where niveau = 'departement')") }}
),

agreges as (
    select
        niveau,
        code_territoire,
        code_axe,
        code_domaine,
        count(*) as nb_communes,
        sum(population) as population,
        sum(population) filter (where distance_km is null) as population_sans_distance,
        sum(population) filter (where distance_km > 5) as population_au_dela_5km,
        sum(population) filter (where distance_km > 10) as population_au_dela_10km,
        sum(population) filter (where distance_km > 20) as population_au_dela_20km,
        sum(population * distance_km) filter (where distance_km is not null)
            / nullif(sum(population) filter (where distance_km is not null), 0) as distance_moyenne_km,
        max(distance_km) as distance_max_km,
        count(*) filter (where service_hors_departement) as nb_communes_service_hors_departement
    from rattachements
    group by all
),

final as (
    select
        a.niveau,
        a.code_territoire,
        t.libelle,
        t.code_departement_territoire as code_departement,
        a.code_axe,
        a.code_domaine,
        a.nb_communes,
        a.population,
        coalesce(a.population_sans_distance, 0) as population_sans_distance,
        coalesce(a.population_au_dela_5km, 0) as population_au_dela_5km,
        coalesce(a.population_au_dela_10km, 0) as population_au_dela_10km,
        coalesce(a.population_au_dela_20km, 0) as population_au_dela_20km,
        coalesce(a.population_au_dela_5km, 0) / nullif(a.population - coalesce(a.population_sans_distance, 0), 0)
            as part_au_dela_5km,
        coalesce(a.population_au_dela_10km, 0) / nullif(a.population - coalesce(a.population_sans_distance, 0), 0)
            as part_au_dela_10km,
        coalesce(a.population_au_dela_20km, 0) / nullif(a.population - coalesce(a.population_sans_distance, 0), 0)
            as part_au_dela_20km,
        a.distance_moyenne_km,
        a.distance_max_km,
        a.nb_communes_service_hors_departement
    from agreges as a
    left join territoires as t on t.niveau = a.niveau and t.code_territoire = a.code_territoire
)

select * from final
