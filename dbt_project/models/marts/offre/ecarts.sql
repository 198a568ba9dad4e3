-- Need × supply per territory and Pacte domain.
--   indice_besoin  from marts.besoins (100 = France);
--   indice_offre   the observed offer of marts.offre (places, BPE equipments or catalogue services,
--                  `source_offre`) per 1,000 people of the domain's target public, relative to the
--                  same ratio of the same source over the départements where that source is the
--                  measure (over the communes for a source measured at commune level only: CNAF
--                  places) (100 = that reference; recomputed from sums, never an average of
--                  ratios); per 10,000 inhabitants when the target public is not known at the
--                  territory's level (`base_indice_offre`);
--   ecart          indice_besoin - indice_offre (positive: the need outweighs the supply);
--   typologie      'besoin fort|modéré|faible / offre faible|correcte' with the thresholds of the
--                  dbt vars offre_seuil_besoin_fort, offre_seuil_besoin_faible, offre_seuil_offre_faible;
--   zone_blanche   high need and no service or equipment of the domain within
--                  offre_distance_zone_blanche_km (a commune), or more than
--                  offre_part_population_zone_blanche of the population beyond that distance
--                  (EPCI, EPT, département, région).
-- Where no source observes the domain's offer (marts.offre.offre_observee is NULL), supply figures
-- and the typology's supply half are not computed: `offre_observee` is false.
with offre as (
    select * from {{ ref('offre') }}
),

besoins as (
    select * from {{ ref('besoins') }}
),

-- reference ratios per domain and source, over every département the source measures (over the
-- communes when the source has no département figure: CNAF places), whether or not the source is
-- the one kept for that département
candidats as (
    select niveau, code_territoire, code_domaine, source_offre, quantite
    from {{ ref('int_offre__mesures_externes') }}
    where niveau in ('departement', 'commune')
    union all
    select 'departement', c.code_departement, c.code_domaine, 'catalogue', o.nb_services
    from {{ ref('int_offre__couverture') }} as c
    inner join offre as o
        on o.niveau = 'departement' and o.code_territoire = c.code_departement and o.code_domaine = c.code_domaine
    where c.offre_observee
),

reference_niveaux as (
    select
        c.code_domaine, c.source_offre, c.niveau,
        sum(c.quantite) filter (where o.population_cible > 0) * 1000.0
            / nullif(sum(o.population_cible) filter (where o.population_cible > 0), 0) as ref_public_cible,
        sum(c.quantite) filter (where o.population > 0) * 10000.0
            / nullif(sum(o.population) filter (where o.population > 0), 0) as ref_habitants
    from candidats as c
    inner join offre as o
        on o.niveau = c.niveau and o.code_territoire = c.code_territoire and o.code_domaine = c.code_domaine
    where c.quantite is not null
    group by all
),

reference as (
    select * from reference_niveaux
    qualify row_number() over (
        partition by code_domaine, source_offre order by case niveau when 'departement' then 1 else 2 end) = 1
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
        o.offre_observee is not null as offre_observee,
        o.offre_observee as offre_mesuree,
        o.unite_offre,
        o.source_offre,
        o.offre_pour_1000_public_cible,
        o.offre_pour_10000_habitants,
        o.nb_services,
        o.population_cible,
        o.services_pour_1000_public_cible,
        o.services_pour_10000_habitants,
        case
            when o.offre_observee is null then null
            when o.offre_pour_1000_public_cible is not null and r.ref_public_cible > 0 then 'public_cible'
            when o.offre_pour_10000_habitants is not null and r.ref_habitants > 0 then 'habitants'
        end as base_indice_offre,
        ac.distance_km as distance_km_service_plus_proche,
        coalesce(acc_t.population_au_dela_10km, 0) as population_hors_portee,
        acc_t.part_au_dela_10km as part_population_hors_portee,
        r.ref_public_cible,
        r.ref_habitants
    from offre as o
    left join besoins as b
        on b.niveau = o.niveau and b.code_territoire = o.code_territoire and b.code_domaine = o.code_domaine
    left join reference as r on r.code_domaine = o.code_domaine and r.source_offre = o.source_offre
    left join acces_communes as ac
        on o.niveau = 'commune' and ac.code_commune = o.code_territoire and ac.code_domaine = o.code_domaine
    left join acces_territoires as acc_t
        on acc_t.niveau = o.niveau and acc_t.code_territoire = o.code_territoire and acc_t.code_domaine = o.code_domaine
),

indices as (
    select
        *,
        round(case base_indice_offre
            when 'public_cible' then 100.0 * offre_pour_1000_public_cible / ref_public_cible
            when 'habitants' then 100.0 * offre_pour_10000_habitants / ref_habitants
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
        offre_mesuree,
        unite_offre,
        source_offre,
        offre_pour_1000_public_cible,
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
