-- Where the offer of each domain is observed. A source covers the départements where it has at
-- least one located structure; a domain is observed in a département when at least one source
-- that attaches services to that domain anywhere in France covers it. Elsewhere, no service is not
-- evidence of no offer (the snapshot's data·inclusion export only covers La Réunion, the
-- missions locales list only the 62, 67 and 93): indices and zones blanches are not computed there.
with services as (
    select * from {{ ref('int_offre__services_domaines') }} where code_domaine is not null
),

structures as (
    select s.table_source, l.code_departement
    from {{ ref('int_offre__structures_unies') }} as s
    inner join {{ ref('int_offre__lieux_localises') }} as l on l.type_lieu = 'structure' and l.cle = s.cle_structure
    where l.code_departement is not null
),

-- domains each source brings by itself: through the thématiques of its own services, and
-- through the networks and v0 typology of its own structures
correspondance as (
    select * from {{ ref('offre_correspondance_domaines') }} where code_domaine <> ''
),

domaines_par_source as (
    select distinct table_source, code_domaine from services where not service_implicite
    union
    select distinct s.table_source, c.code_domaine
    from {{ ref('int_offre__structures_unies') }} as s, unnest(s.reseaux_porteurs) as r(reseau)
    inner join correspondance as c on c.type_valeur = 'reseau_porteur' and c.valeur = r.reseau
    union
    select distinct s.table_source, c.code_domaine
    from {{ ref('int_offre__structures_unies') }} as s
    inner join correspondance as c on c.type_valeur = 'typologie_v0' and upper(c.valeur) = upper(s.typologie)
),

couverture_sources as (
    select distinct table_source, code_departement from structures
),

departements as (
    select code_territoire as code_departement from {{ ref('territoires') }} where niveau = 'departement'
),

domaines as (
    select distinct code_domaine from domaines_par_source
),

final as (
    select
        dep.code_departement,
        dom.code_domaine,
        count(ds.table_source) > 0 as offre_observee,
        list_sort(list_distinct(list(ds.table_source) filter (where ds.table_source is not null)))
            as sources_observation
    from departements as dep
    cross join domaines as dom
    left join couverture_sources as cs on cs.code_departement = dep.code_departement
    left join domaines_par_source as ds on ds.table_source = cs.table_source and ds.code_domaine = dom.code_domaine
    group by dep.code_departement, dom.code_domaine
)

select * from final
