-- Offer measured outside the catalogue, per territory × domain, as candidates for marts.offre
-- (which keeps, per territory and domain, the candidate of smallest `priorite`, then the
-- catalogue's services):
--   cnaf_places   (1) petite_enfance, communes wholly covered by the CNAF files (over 10,000
--                     inhabitants; int_cnaf__couverture_communes): places in EAJE in December of
--                     the latest year;
--   drees_places  (1) petite_enfance, départements: places in crèches collectives + parent-run
--                     establishments (DREES, latest year); régions when every département of the
--                     région is published (or a DREES collectivité covers the région exactly, seed
--                     offre_drees_territoires: Corse), France when every région is;
--   bpe_2018      (2) the domains of seed offre_bpe_types: number of equipments (0 is an observed
--                     zero) in territories whose départements all have BPE rows.
-- Every quantity is a count, summed from the communes (or départements) of the territory.
with communes as (
    select * from {{ ref('int_communes__hierarchie') }}
),

correspondance as (
    select * from {{ ref('int_communes__correspondance') }}
),

-- territories of each commune, one row per level
niveaux_communes as (
    {{ par_niveau('communes', ['code_commune', 'code_departement']) }}
),

-- ------------------------------------------------------------------ BPE 2018
bpe_departements as (
    select distinct c.code_departement
    from {{ ref('stg_bpe__equipements_2018') }} as b
    inner join correspondance as co on co.code_commune_source = b.code_commune_source
    inner join communes as c on c.code_commune = co.code_commune
),

bpe_domaines as (
    select distinct code_domaine from {{ ref('offre_bpe_types') }} where nullif(code_domaine, '') is not null
),

bpe_territoires as (
    -- a territory is covered when every one of its départements has BPE rows
    select n.niveau, n.code_territoire
    from niveaux_communes as n
    left join bpe_departements as d on d.code_departement = n.code_departement
    group by all
    having bool_and(d.code_departement is not null)
),

bpe_comptes as (
    select n.niveau, n.code_territoire, e.code_domaine, sum(e.nb_equipements) as nb_equipements
    from {{ ref('int_offre__equipements_communes') }} as e
    inner join niveaux_communes as n on n.code_commune = e.code_commune
    group by all
),

bpe as (
    select
        t.niveau, t.code_territoire, d.code_domaine,
        'bpe_2018' as source_offre, 'equipements' as unite_offre, 2018 as annee_offre,
        cast(coalesce(c.nb_equipements, 0) as double) as quantite,
        2 as priorite
    from bpe_territoires as t
    cross join bpe_domaines as d
    left join bpe_comptes as c
        on c.niveau = t.niveau and c.code_territoire = t.code_territoire and c.code_domaine = d.code_domaine
),

-- ------------------------------------------------------------------ CNAF places, communes
cnaf as (
    select * from {{ ref('stg_petite_enfance__cnaf_places_communes') }}
    where annee = (select max(annee) from {{ ref('stg_petite_enfance__cnaf_places_communes') }})
),

cnaf_communes as (
    select
        'commune' as niveau, co.code_commune as code_territoire, 'petite_enfance' as code_domaine,
        'cnaf_places' as source_offre, 'places' as unite_offre, max(c.annee) as annee_offre,
        sum(c.places_eaje) as quantite,
        1 as priorite
    from cnaf as c
    inner join correspondance as co on co.code_commune_source = c.code_commune_source
    -- only 2026 communes wholly covered by CNAF rows (a commune merged with one under 10,000
    -- inhabitants would otherwise get a part of its places): the completeness of the coverage model
    inner join {{ ref('int_cnaf__couverture_communes') }} as k
        on k.code_commune = co.code_commune and k.annee = c.annee and k.methode is not null
    group by all
    having bool_and(c.places_eaje is not null)
),

-- ------------------------------------------------------------------ DREES places, départements and up
drees as (
    select * from {{ ref('stg_petite_enfance__drees_departements') }}
    where code_mesure in ('places_creches_collectives', 'places_gestion_parentale')
),

drees_annee as (
    select max(annee) as annee from drees
),

drees_valeurs as (
    select code_territoire_drees, est_departement, sum(valeur) as places, count(*) as nb_tableaux
    from drees
    where annee = (select annee from drees_annee)
    group by all
    having count(*) = 2 and bool_and(valeur is not null)
),

-- a département published as 0 while a DREES collectivité covering it has places is not
-- published separately (Corse: 2A and 2B are 0, the figure is on `20`)
collectivites as (
    select t.code_territoire_drees, t.niveau, t.code_territoire, v.places
    from {{ ref('offre_drees_territoires') }} as t
    inner join drees_valeurs as v on v.code_territoire_drees = t.code_territoire_drees
    where nullif(t.niveau, '') is not null
),

departements_couverts_par_collectivite as (
    select distinct d.code_territoire as code_departement
    from {{ ref('territoires') }} as d
    inner join collectivites as c
        on c.niveau = 'region' and d.niveau = 'departement' and d.code_region = c.code_territoire
),

drees_departements as (
    select v.code_territoire_drees as code_departement, v.places
    from drees_valeurs as v
    where v.est_departement
        and not (v.places = 0 and v.code_territoire_drees in (select code_departement from departements_couverts_par_collectivite))
),

departements as (
    select code_territoire as code_departement, code_region,
        code_territoire in (select code_departement from communes where dans_france_entiere) as dans_france_entiere
    from {{ ref('territoires') }} where niveau = 'departement'
),

drees_regions_sommes as (
    select d.code_region, sum(p.places) as places
    from departements as d
    left join drees_departements as p on p.code_departement = d.code_departement
    group by d.code_region
    having bool_and(p.places is not null)
),

drees_regions as (
    select code_region, places from drees_regions_sommes
    union all
    select code_territoire, places from collectivites
    where niveau = 'region' and code_territoire not in (select code_region from drees_regions_sommes)
),

drees_france as (
    select sum(r.places) as places
    from (select distinct code_region from departements where dans_france_entiere) as fr
    left join drees_regions as r on r.code_region = fr.code_region
    having bool_and(r.places is not null)
),

drees_territoires as (
    select 'departement' as niveau, code_departement as code_territoire, places from drees_departements
    union all
    select 'region', code_region, places from drees_regions
    union all
    select 'france', 'FR', places from drees_france
),

drees_places as (
    select
        niveau, code_territoire, 'petite_enfance' as code_domaine,
        'drees_places' as source_offre, 'places' as unite_offre, (select annee from drees_annee) as annee_offre,
        places as quantite,
        1 as priorite
    from drees_territoires
),

final as (
    select * from cnaf_communes
    union all by name
    select * from drees_places
    union all by name
    select * from bpe
)

select niveau, code_territoire, code_domaine, source_offre, unite_offre, annee_offre, quantite, priorite
from final
