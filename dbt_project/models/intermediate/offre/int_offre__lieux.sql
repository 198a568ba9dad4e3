-- The places to locate: every structure, and every service that gives its own place
-- (a service without any place field takes its structure's place later).
with final as (
    select
        'structure' as type_lieu, cle_structure as cle, table_source, code_insee, code_postal, commune,
        departement, longitude, latitude, coordonnees_corrigees
    from {{ ref('int_offre__structures_unies') }} as structures

    union all

    select
        'service', cle_service, table_source, code_insee, code_postal, commune,
        null, longitude, latitude, false
    from {{ ref('int_offre__services_unis') }} as services
    where coalesce(code_insee, code_postal, commune) is not null
        or (longitude is not null and latitude is not null)
)

select * from final
