-- The cleaned catalogue of services: one row per service × Pacte domain, with its structure,
-- its place (its own, else its structure's), publics, fees and access modes. Services attached
-- to no domain are listed in `marts.thematiques_non_rattachees`, not here.
with services as (
    select * from {{ ref('int_offre__services_domaines') }} where code_domaine is not null
),

lieux_services as (
    select * from {{ ref('int_offre__lieux_localises') }} where type_lieu = 'service'
),

structures as (
    select * from {{ ref('structures') }}
),

axes as (
    select distinct code_axe, code_domaine, libelle_domaine from {{ ref('axes_domaines') }}
),

noms_propres as (
    {{ noms_propres('services', 'id_service', 'nom') }}
),

final as (
    select
        s.id_service,
        s.id_structure,
        s.nom,
        -- the name people read: the structure's for a service named after it (see structures.nom_affiche)
        case when s.service_implicite or s.nom = st.nom then st.nom_affiche
             else coalesce(np.nom_propre, s.nom) end as nom_affiche,
        st.nom as nom_structure,
        st.nom_affiche as nom_affiche_structure,
        s.source,
        s.table_source,
        s.service_implicite,
        a.code_axe,
        s.code_domaine,
        a.libelle_domaine,
        s.origines_domaine,
        s.thematiques_rattachantes[1] as thematique,
        s.thematiques_rattachantes,
        s.reseaux_rattachants,
        s.thematiques_source,
        s.type_service,
        s.publics,
        s.frais,
        s.modes_accueil,
        -- the service's own place when it was located, else its structure's
        coalesce(l.code_commune, st.code_commune) as code_commune,
        c.code_departement,
        c.code_epci,
        c.code_ept,
        c.code_region,
        case when l.code_commune is not null then l.methode_localisation else st.methode_localisation end
            as methode_localisation,
        case when l.code_commune is not null then 'service' else 'structure' end as lieu_de_reference,
        case when l.code_commune is not null then l.longitude else st.longitude end as longitude,
        case when l.code_commune is not null then l.latitude else st.latitude end as latitude,
        case when l.code_commune is not null then l.origine_coordonnees else st.origine_coordonnees end
            as origine_coordonnees,
        coalesce(l.hors_departement, st.hors_departement, false) as hors_departement
    from services as s
    inner join structures as st on st.id_structure = s.id_structure
    left join noms_propres as np on np.cle = s.id_service
    left join lieux_services as l on l.cle = s.id_service
    left join axes as a on a.code_domaine = s.code_domaine
    left join {{ ref('int_communes__hierarchie') }} as c on c.code_commune = coalesce(l.code_commune, st.code_commune)
)

select * from final
