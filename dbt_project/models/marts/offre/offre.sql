-- Supply per territory and Pacte domain: structures and services of the catalogue located in the
-- territory, services per 10,000 inhabitants and per 1,000 people of the domain's target public
-- (seed offre_publics_cibles, effectives from marts.indicateurs), and the **observed offer**: one
-- measure per territory × domain, the first available of
--   1. places: CNAF EAJE places (communes over 10,000 inhabitants), DREES places (départements,
--      régions, France) for petite_enfance;
--   2. BPE 2018 equipments (domains of seed offre_bpe_types), 0 being an observed zero;
--   3. services of the catalogue, where a source covering the domain covers every département of
--      the territory (int_offre__couverture).
-- `offre_observee` is NULL, never 0, when none applies, with the reason in
-- `motif_offre_non_observee`. Levels: commune, EPCI, EPT, département, région, France; every
-- territory appears for every domain of the Pacte. QPV are not a level here: no source gives the
-- QPV of a place and the snapshot has no QPV outlines to place points in (docs/offre.md).
with services as (
    select * from {{ ref('services') }} where code_commune is not null
),

territoires as (
    select * from {{ ref('territoires') }} where niveau in ('commune', 'epci', 'ept', 'departement', 'region', 'france')
),

domaines as (
    select a.code_axe, a.code_domaine, a.libelle_domaine
    from {{ ref('axes_domaines') }} as a
),

publics as (
    select * from {{ ref('offre_publics_cibles') }}
),

-- each located service counted once at every level holding its commune
rattachements as (
    {{ par_niveau('services', ['code_domaine', 'id_service', 'id_structure'],
        france_si="code_departement in (select code_territoire from territoires where niveau = 'departement')") }}
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

-- where the catalogue's offer of each domain is observed: every département of the territory
-- covered by a source that attaches services to the domain
departements_du_territoire as (
    select niveau, code_territoire, code_departement from territoires
    where niveau in ('commune', 'epci', 'ept', 'departement')
    union all
    select 'region', t.code_region, t.code_territoire from territoires as t where t.niveau = 'departement'
    union all
    select 'france', 'FR', t.code_territoire from territoires as t
    where t.niveau = 'departement'
        and t.code_territoire in (select code_departement from {{ ref('int_communes__hierarchie') }}
                                  where dans_france_entiere)
),

catalogue_observe as (
    select d.niveau, d.code_territoire, c.code_domaine
    from departements_du_territoire as d
    inner join {{ ref('int_offre__couverture') }} as c on c.code_departement = d.code_departement
    group by all
    having bool_and(coalesce(c.offre_observee, false))
),

candidats as (
    select niveau, code_territoire, code_domaine, source_offre, unite_offre, annee_offre, quantite, priorite
    from {{ ref('int_offre__mesures_externes') }}
    union all
    select o.niveau, o.code_territoire, o.code_domaine, 'catalogue', 'services', null,
        cast(coalesce(c.nb_services, 0) as double), 3
    from catalogue_observe as o
    left join comptes as c
        on c.niveau = o.niveau and c.code_territoire = o.code_territoire and c.code_domaine = o.code_domaine
),

mesure as (
    select * from candidats
    qualify row_number() over (partition by niveau, code_territoire, code_domaine order by priorite, source_offre) = 1
),

-- the measures that exist for a domain at all, whatever the territory (for the reason of a NULL)
sources_du_domaine as (
    select code_domaine, list(distinct source_offre order by source_offre) as sources
    from candidats
    group by code_domaine
),

equipements as (
    select niveau, code_territoire, code_domaine, quantite as nb_equipements_bpe
    from {{ ref('int_offre__mesures_externes') }} where source_offre = 'bpe_2018'
),

places as (
    select niveau, code_territoire, code_domaine, quantite as nb_places, source_offre as source_places,
        annee_offre as annee_places
    from {{ ref('int_offre__mesures_externes') }} where unite_offre = 'places'
),

-- all formal places and the CNAF coverage rate (places per 100 children under 3, published or
-- recomputed from summed counts) of the communes wholly covered by the CNAF, latest year
places_formelles as (
    select code_commune as code_territoire, places_accueil_formel as nb_places_accueil_formel,
        taux_couverture_global as taux_couverture_cnaf, methode as methode_taux_couverture
    from {{ ref('int_cnaf__couverture_communes') }}
    where methode is not null
        and annee = (select max(annee) from {{ ref('stg_petite_enfance__cnaf_places_communes') }})
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
        end as services_pour_1000_public_cible,
        m.quantite as offre_observee,
        m.unite_offre,
        m.source_offre,
        m.annee_offre,
        case when t.population > 0 then m.quantite * 10000.0 / t.population end as offre_pour_10000_habitants,
        case
            when (case when p.grandeur = 'population' then t.population else e.effectif end) > 0
                then m.quantite * 1000.0
                    / (case when p.grandeur = 'population' then t.population else e.effectif end)
        end as offre_pour_1000_public_cible,
        case
            when m.quantite is not null then null
            when sd.sources is null then
                'Aucune source disponible ne recense cette offre : l''absence de service recensé ne prouve pas '
                || 'l''absence d''offre.'
            else
                'Aucune des sources de ce domaine ne couvre tout le territoire : l''absence de service recensé '
                || 'ne prouve pas l''absence d''offre.'
        end as motif_offre_non_observee,
        eq.nb_equipements_bpe,
        pl.nb_places,
        pl.source_places,
        pl.annee_places,
        case when t.niveau = 'commune' and d.code_domaine = 'petite_enfance' then pf.nb_places_accueil_formel end
            as nb_places_accueil_formel,
        case when t.niveau = 'commune' and d.code_domaine = 'petite_enfance' then pf.taux_couverture_cnaf end
            as taux_couverture_cnaf,
        case when t.niveau = 'commune' and d.code_domaine = 'petite_enfance' then pf.methode_taux_couverture end
            as methode_taux_couverture
    from territoires as t
    cross join domaines as d
    left join comptes as c
        on c.niveau = t.niveau and c.code_territoire = t.code_territoire and c.code_domaine = d.code_domaine
    left join publics as p on p.code_domaine = d.code_domaine
    left join effectifs as e
        on e.niveau = t.niveau and e.code_territoire = t.code_territoire and e.code_indicateur = p.code_indicateur
    left join mesure as m
        on m.niveau = t.niveau and m.code_territoire = t.code_territoire and m.code_domaine = d.code_domaine
    left join sources_du_domaine as sd on sd.code_domaine = d.code_domaine
    left join equipements as eq
        on eq.niveau = t.niveau and eq.code_territoire = t.code_territoire and eq.code_domaine = d.code_domaine
    left join places as pl
        on pl.niveau = t.niveau and pl.code_territoire = t.code_territoire and pl.code_domaine = d.code_domaine
    left join places_formelles as pf on pf.code_territoire = t.code_territoire
)

select * from final
