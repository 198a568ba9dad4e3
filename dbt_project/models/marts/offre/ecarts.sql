-- Need × supply per territory and Pacte domain.
--   indice_besoin  from marts.besoins (100 = France);
--   indice_offre   services per 1,000 people of the domain's target public, relative to the same
--                  ratio over the départements where the domain's offer is observed (100 = that
--                  reference; recomputed from sums, never an average of ratios); per 10,000
--                  inhabitants when the target public is not known at the territory's level
--                  (`base_indice_offre`);
--   ecart          indice_besoin - indice_offre (positive: the need outweighs the supply);
--   typologie      'besoin fort|modéré|faible / offre faible|correcte' with the thresholds of the
--                  dbt vars offre_seuil_besoin_fort, offre_seuil_besoin_faible, offre_seuil_offre_faible;
--   zone_blanche   high need and no service of the domain within offre_distance_zone_blanche_km
--                  (a commune), or more than offre_part_population_zone_blanche of the population
--                  beyond that distance (EPCI, EPT, département, région).
-- Where the domain's offer is not observed (no source covering it there), supply figures and the
-- typology's supply half are not computed: `offre_observee` is false.
with offre as (
    select * from {{ ref('offre') }}
),

besoins as (
    select * from {{ ref('besoins') }}
),

couverture as (
    select * from {{ ref('int_offre__couverture') }}
),

territoires as (
    select * from {{ ref('territoires') }}
),

-- départements of each territory (several for a région or France)
departements_du_territoire as (
    select niveau, code_territoire, code_departement from territoires
    where niveau in ('commune', 'epci', 'ept', 'departement')
    union all
    select 'region', t.code_region, t.code_territoire from territoires as t where t.niveau = 'departement'
    union all
    select 'france', 'FR', t.code_territoire from territoires as t where t.niveau = 'departement'
),

observation as (
    select
        d.niveau, d.code_territoire, c.code_domaine,
        bool_and(coalesce(c.offre_observee, false)) as offre_observee
    from departements_du_territoire as d
    inner join couverture as c on c.code_departement = d.code_departement
    group by all
),

-- reference ratios over the départements where the offer is observed
reference as (
    select
        o.code_domaine,
        sum(o.nb_services) filter (where o.population_cible > 0) * 1000.0
            / nullif(sum(o.population_cible) filter (where o.population_cible > 0), 0) as ref_public_cible,
        sum(o.nb_services) filter (where o.population > 0) * 10000.0
            / nullif(sum(o.population) filter (where o.population > 0), 0) as ref_habitants
    from offre as o
    inner join couverture as c on c.code_departement = o.code_territoire and c.code_domaine = o.code_domaine
    where o.niveau = 'departement' and c.offre_observee
    group by o.code_domaine
),

acces_communes as (
    select code_commune, code_domaine, distance_km, zone_recherche from {{ ref('accessibilite') }}
),

acces_territoires as (
    select niveau, code_territoire, code_domaine, population, population_sans_distance,
        population_au_dela_10km, part_au_dela_10km
    from {{ ref('accessibilite_synthese') }}
),

calcul as (
    select
        o.niveau,
        o.code_territoire,
        o.libelle,
        o.code_departement,
        o.code_axe,
        o.code_domaine,
        o.libelle_domaine,
        b.indice_besoin,
        b.nb_composantes as nb_composantes_besoin,
        coalesce(ob.offre_observee, false) as offre_observee,
        o.nb_services,
        o.population_cible,
        o.services_pour_1000_public_cible,
        o.services_pour_10000_habitants,
        case
            when not coalesce(ob.offre_observee, false) then null
            when o.services_pour_1000_public_cible is not null and r.ref_public_cible > 0 then 'public_cible'
            when o.services_pour_10000_habitants is not null and r.ref_habitants > 0 then 'habitants'
        end as base_indice_offre,
        ac.distance_km as distance_km_service_plus_proche,
        coalesce(acc_t.population_au_dela_10km, 0) as population_hors_portee,
        acc_t.part_au_dela_10km as part_population_hors_portee,
        r.ref_public_cible,
        r.ref_habitants
    from offre as o
    left join besoins as b
        on b.niveau = o.niveau and b.code_territoire = o.code_territoire and b.code_domaine = o.code_domaine
    left join observation as ob
        on ob.niveau = o.niveau and ob.code_territoire = o.code_territoire and ob.code_domaine = o.code_domaine
    left join reference as r on r.code_domaine = o.code_domaine
    left join acces_communes as ac
        on o.niveau = 'commune' and ac.code_commune = o.code_territoire and ac.code_domaine = o.code_domaine
    left join acces_territoires as acc_t
        on acc_t.niveau = o.niveau and acc_t.code_territoire = o.code_territoire and acc_t.code_domaine = o.code_domaine
),

indices as (
    select
        *,
        round(case base_indice_offre
            when 'public_cible' then 100.0 * services_pour_1000_public_cible / ref_public_cible
            when 'habitants' then 100.0 * services_pour_10000_habitants / ref_habitants
        end, 1) as indice_offre
    from calcul
),

classes as (
    select
        *,
        case
            when indice_besoin is null then 'non mesuré'
            when indice_besoin >= {{ var('offre_seuil_besoin_fort') }} then 'fort'
            when indice_besoin < {{ var('offre_seuil_besoin_faible') }} then 'faible'
            else 'modéré'
        end as classe_besoin,
        case
            when indice_offre is null then 'non observée'
            when indice_offre < {{ var('offre_seuil_offre_faible') }} then 'faible'
            else 'correcte'
        end as classe_offre
    from indices
),

final as (
    select
        niveau,
        code_territoire,
        libelle,
        code_departement,
        code_axe,
        code_domaine,
        libelle_domaine,
        indice_besoin,
        nb_composantes_besoin,
        indice_offre,
        base_indice_offre,
        round(indice_besoin - indice_offre, 1) as ecart,
        'besoin ' || classe_besoin || ' / offre ' || classe_offre as typologie,
        classe_besoin,
        classe_offre,
        offre_observee,
        nb_services,
        population_cible,
        services_pour_1000_public_cible,
        services_pour_10000_habitants,
        distance_km_service_plus_proche,
        population_hors_portee,
        part_population_hors_portee,
        case
            when not offre_observee or classe_besoin = 'non mesuré' then null
            when classe_besoin <> 'fort' then false
            when niveau = 'commune' then coalesce(distance_km_service_plus_proche, 1e9)
                > {{ var('offre_distance_zone_blanche_km') }}
            else coalesce(part_population_hors_portee, 0) >= {{ var('offre_part_population_zone_blanche') }}
        end as zone_blanche
    from classes
)

select * from final
