-- Every place of the offer gets a commune of the COG 2026 and the method that found it,
-- tried in this order:
--   1. code_insee     the INSEE code given by the source, through the COG correspondence
--                     (older codes, delegated/associated communes, arrondissements municipaux
--                     of Paris/Lyon/Marseille → their commune);
--   2. code_postal_nom the postcode and the normalised commune name (accents, case, St/Ste,
--                     hyphens, CEDEX and arrondissement suffixes) match one commune;
--   3. coordonnees    the coordinates fall inside (or within a short distance of) one commune outline;
--   4. code_postal    the postcode belongs to a single commune;
--   5. nom_departement the normalised name matches one commune (or delegated commune) of the
--                     département given by the source or by the postcode.
-- Coordinates that fall in another département than the commune found are flagged
-- (`hors_departement`) and not used for distances: the commune's reference point is used instead.
with lieux as (
    select
        *,
        {{ offre_normaliser_nom('commune') }} as nom_commune_normalise,
        -- département from the source column (`001`, `59L` and `2a` tolerated) or from the postcode
        coalesce(
            case
                when regexp_full_match(upper(departement), '0?(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B)[A-Z]?')
                    then regexp_extract(upper(departement), '0?(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B)', 1)
                when regexp_full_match(departement, '97[1-6]|98[4-9]|97[578]') then departement
            end,
            case
                when not regexp_full_match(coalesce(code_postal, ''), '\d{5}') then null
                when code_postal like '97%' or code_postal like '98%' then left(code_postal, 3)
                when code_postal like '20%' then case when code_postal < '20200' then '2A' else '2B' end
                else left(code_postal, 2)
            end
        ) as departement_indique
    from {{ ref('int_offre__lieux') }}
),

correspondance as (
    select * from {{ ref('int_communes__correspondance') }}
),

communes as (
    select * from {{ ref('int_communes__hierarchie') }}
),

points_communes as (
    select * from {{ source('raw', 'geo_communes') }}
),

-- every COG entity (communes, delegated/associated communes, arrondissements) with its postcodes
-- and normalised name, attached to its 2026 commune
entites as (
    select
        e.code_commune as code_entite,
        co.code_commune,
        {{ offre_normaliser_nom('e.libelle') }} as nom_normalise,
        e.codes_postaux
    from {{ ref('stg_cog__communes') }} as e
    inner join correspondance as co on co.code_commune_source = e.code_commune
),

codes_postaux as (
    select distinct e.code_commune, e.nom_normalise, trim(cp.code_postal) as code_postal
    from entites as e, unnest(string_split(coalesce(e.codes_postaux, ''), '|')) as cp(code_postal)
    where trim(cp.code_postal) <> ''
),

par_code_postal_nom as (
    select l.cle, l.type_lieu, min(cp.code_commune) as code_commune
    from lieux as l
    inner join codes_postaux as cp
        on cp.code_postal = l.code_postal and cp.nom_normalise = l.nom_commune_normalise
    group by l.cle, l.type_lieu
    having count(distinct cp.code_commune) = 1
),

code_postal_unique as (
    select code_postal, min(code_commune) as code_commune
    from codes_postaux
    group by code_postal
    having count(distinct code_commune) = 1
),

par_nom_departement as (
    select l.cle, l.type_lieu, min(e.code_commune) as code_commune
    from lieux as l
    inner join entites as e on e.nom_normalise = l.nom_commune_normalise
    inner join communes as c on c.code_commune = e.code_commune and c.code_departement = l.departement_indique
    where l.nom_commune_normalise <> ''
    group by l.cle, l.type_lieu
    having count(distinct e.code_commune) = 1
),

candidats as (
    select
        l.*,
        co.code_commune as commune_par_code_insee,
        cpn.code_commune as commune_par_code_postal_nom,
        pc.code_commune_point as commune_par_coordonnees,
        pc.departement_point,
        pc.methode_point,
        pc.distance_contour_km,
        cpu.code_commune as commune_par_code_postal,
        nd.code_commune as commune_par_nom_departement
    from lieux as l
    left join correspondance as co on co.code_commune_source = l.code_insee
    left join par_code_postal_nom as cpn on cpn.cle = l.cle and cpn.type_lieu = l.type_lieu
    left join {{ ref('int_offre__points_communes') }} as pc
        on pc.longitude = l.longitude and pc.latitude = l.latitude
    left join code_postal_unique as cpu on cpu.code_postal = l.code_postal
    left join par_nom_departement as nd on nd.cle = l.cle and nd.type_lieu = l.type_lieu
),

localises as (
    select
        *,
        coalesce(commune_par_code_insee, commune_par_code_postal_nom, commune_par_coordonnees,
                 commune_par_code_postal, commune_par_nom_departement) as code_commune,
        case
            when commune_par_code_insee is not null then 'code_insee'
            when commune_par_code_postal_nom is not null then 'code_postal_nom'
            when commune_par_coordonnees is not null then 'coordonnees'
            when commune_par_code_postal is not null then 'code_postal'
            when commune_par_nom_departement is not null then 'nom_departement'
            else 'non_localise'
        end as methode_localisation
    from candidats
),

coherence as (
    select
        l.*,
        c.code_departement,
        g.longitude as longitude_commune,
        g.latitude as latitude_commune,
        g.code_insee is not null as commune_a_un_point,
        -- coordinates near the commune found (inside its outline's bounding box widened by
        -- `offre_marge_commune_degres`) are trusted even when the simplified outlines put
        -- them across a border
        coalesce(
            l.longitude between g.xmin - {{ var('offre_marge_commune_degres') }}
                and g.xmax + {{ var('offre_marge_commune_degres') }}
            and l.latitude between g.ymin - {{ var('offre_marge_commune_degres') }}
                and g.ymax + {{ var('offre_marge_commune_degres') }},
            false) as pres_de_la_commune
    from localises as l
    left join communes as c on c.code_commune = l.code_commune
    left join points_communes as g on g.code_insee = l.code_commune
),

final as (
    select
        type_lieu,
        cle,
        table_source,
        code_commune,
        code_departement,
        methode_localisation,
        longitude as longitude_source,
        latitude as latitude_source,
        coordonnees_corrigees,
        longitude is not null and latitude is not null and commune_par_coordonnees is null
            as coordonnees_hors_communes,
        coalesce(departement_point <> code_departement and not pres_de_la_commune, false) as hors_departement,
        coalesce(commune_par_coordonnees <> code_commune, false) as coordonnees_autre_commune,
        -- coordinates used for distances: the source's when they are consistent with the commune
        case
            when commune_par_coordonnees is not null
                and (departement_point = code_departement or pres_de_la_commune) then 'source'
            when commune_a_un_point then 'point_de_la_commune'
        end as origine_coordonnees,
        case
            when commune_par_coordonnees is not null
                and (departement_point = code_departement or pres_de_la_commune) then longitude
            else longitude_commune
        end as longitude,
        case
            when commune_par_coordonnees is not null
                and (departement_point = code_departement or pres_de_la_commune) then latitude
            else latitude_commune
        end as latitude
    from coherence
)

select * from final
