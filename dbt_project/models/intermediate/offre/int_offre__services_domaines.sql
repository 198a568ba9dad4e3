-- Every service of the catalogue (real, or implicit for a structure that lists none) with the
-- Pacte domains it is attached to, one row per (service, domain); a service attached to no
-- domain keeps one row with `code_domaine` NULL and the reason in `motif_non_rattache`.
--   * a real service takes the domains of its thématiques (v0 or v1 codes, seed
--     offre_correspondance_domaines), plus those of its structure's networks whose `portee`
--     is `services` (e.g. every service of a mission locale is for young people); when none of
--     its thématiques is known or it has none, it falls back on its structure's networks;
--   * a structure without any service (national lists) gets one implicit service carrying the
--     domains of its networks and v0 typology.
with correspondance as (
    select * from {{ ref('offre_correspondance_domaines') }}
),

services as (
    select * from {{ ref('int_offre__services_unis') }}
),

structures as (
    select s.*, d.id_structure
    from {{ ref('int_offre__structures_unies') }} as s
    inner join {{ ref('int_offre__structures_dedoublonnees') }} as d on d.cle_structure = s.cle_structure
),

-- domains a structure carries through its networks and its v0 typology
domaines_structure as (
    select s.cle_structure, c.code_domaine, c.portee, 'reseau_porteur' as origine, r.reseau as valeur
    from structures as s, unnest(s.reseaux_porteurs) as r(reseau)
    inner join correspondance as c on c.type_valeur = 'reseau_porteur' and c.valeur = r.reseau
    union all
    select s.cle_structure, c.code_domaine, c.portee, 'typologie_v0', s.typologie
    from structures as s
    inner join correspondance as c on c.type_valeur = 'typologie_v0' and upper(c.valeur) = upper(s.typologie)
),

thematiques as (
    select sv.cle_service, t.thematique, c.valeur is not null as connue, c.code_domaine
    from services as sv, unnest(sv.thematiques_source) as t(thematique)
    left join correspondance as c on c.type_valeur = 'thematique' and c.valeur = t.thematique
),

bilan_thematiques as (
    select
        cle_service,
        count(*) as nb_thematiques,
        count(*) filter (where connue) as nb_connues,
        count(*) filter (where code_domaine is not null and code_domaine <> '') as nb_rattachantes
    from thematiques
    group by cle_service
),

domaines_services as (
    -- from the thématiques
    select t.cle_service, t.code_domaine, 'thematique' as origine, t.thematique as valeur
    from thematiques as t
    where t.code_domaine is not null and t.code_domaine <> ''

    union all

    -- networks that attach every service of their structures
    select sv.cle_service, ds.code_domaine, ds.origine, ds.valeur
    from services as sv
    inner join domaines_structure as ds on ds.cle_structure = sv.cle_structure
    where ds.portee = 'services' and ds.code_domaine <> ''

    union all

    -- fallback: a service without any known thématique takes its structure's domains
    select sv.cle_service, ds.code_domaine, ds.origine, ds.valeur
    from services as sv
    left join bilan_thematiques as b on b.cle_service = sv.cle_service
    inner join domaines_structure as ds on ds.cle_structure = sv.cle_structure
    where coalesce(b.nb_connues, 0) = 0 and ds.code_domaine <> ''
),

services_reels as (
    select
        sv.cle_service as id_service,
        st.id_structure,
        sv.cle_structure,
        false as service_implicite,
        sv.nom,
        sv.source,
        sv.table_source,
        sv.thematiques_source,
        sv.type_service,
        sv.publics,
        sv.frais,
        sv.modes_accueil,
        case
            when coalesce(b.nb_thematiques, 0) = 0 then 'aucune thématique et réseau non rattaché'
            when b.nb_connues = 0 then 'thématiques inconnues du référentiel'
            else 'thématiques hors du champ du Pacte'
        end as motif_si_aucun_domaine
    from services as sv
    inner join structures as st on st.cle_structure = sv.cle_structure
    left join bilan_thematiques as b on b.cle_service = sv.cle_service
),

-- structures (after deduplication) with no real service anywhere in their group
structures_sans_service as (
    select st.id_structure
    from structures as st
    left join services as sv on sv.cle_structure = st.cle_structure
    group by st.id_structure
    having count(sv.cle_service) = 0
),

services_implicites as (
    select
        st.id_structure || '--service-implicite' as id_service,
        st.id_structure,
        st.id_structure as cle_structure,
        true as service_implicite,
        st.nom,
        st.source,
        st.table_source,
        cast(null as varchar[]) as thematiques_source,
        cast(null as varchar) as type_service,
        cast(null as varchar[]) as publics,
        cast(null as varchar) as frais,
        cast(null as varchar[]) as modes_accueil,
        'réseau porteur et typologie hors du champ du Pacte ou absents' as motif_si_aucun_domaine
    from structures as st
    inner join structures_sans_service as sss on sss.id_structure = st.id_structure
    where st.cle_structure = st.id_structure
),

domaines_implicites as (
    -- every record of the group brings its networks
    select si.id_service, ds.code_domaine, ds.origine, ds.valeur
    from services_implicites as si
    inner join structures as st on st.id_structure = si.id_structure
    inner join domaines_structure as ds on ds.cle_structure = st.cle_structure
    where ds.code_domaine <> ''
),

tous_domaines as (
    select cle_service as id_service, code_domaine, origine, valeur from domaines_services
    union all
    select * from domaines_implicites
),

domaines_agreges as (
    select
        id_service,
        code_domaine,
        list_sort(list_distinct(list(origine))) as origines_domaine,
        list_sort(list_distinct(list(valeur) filter (where origine = 'thematique'))) as thematiques_rattachantes,
        list_sort(list_distinct(list(valeur) filter (where origine <> 'thematique'))) as reseaux_rattachants
    from tous_domaines
    group by id_service, code_domaine
),

tous_services as (
    select * from services_reels
    union all by name
    select * from services_implicites
),

final as (
    select
        s.* exclude (motif_si_aucun_domaine),
        d.code_domaine,
        d.origines_domaine,
        d.thematiques_rattachantes,
        d.reseaux_rattachants,
        case when d.code_domaine is null then s.motif_si_aucun_domaine end as motif_non_rattache
    from tous_services as s
    left join domaines_agreges as d on d.id_service = s.id_service
)

select * from final
