-- The cleaned catalogue of structures: one row per real structure after deduplication across
-- sources, with every source record it gathers, its commune of the COG 2026 and its place.
with dedoublonnage as (
    select * from {{ ref('int_offre__structures_dedoublonnees') }}
),

structures as (
    select * from {{ ref('int_offre__structures_unies') }}
),

lieux as (
    select * from {{ ref('int_offre__lieux_localises') }} where type_lieu = 'structure'
),

enregistrements as (
    select
        d.id_structure,
        d.regle_fusion,
        s.*,
        l.code_commune,
        l.code_departement,
        l.methode_localisation,
        l.hors_departement,
        l.coordonnees_hors_communes,
        l.origine_coordonnees,
        l.longitude as longitude_retenue,
        l.latitude as latitude_retenue,
        -- order of preference inside a group: a described structure, the source's priority, the key
        row_number() over (
            partition by d.id_structure
            order by s.structure_reconstituee, s.priorite_source, s.cle_structure
        ) as rang
    from dedoublonnage as d
    inner join structures as s on s.cle_structure = d.cle_structure
    left join lieux as l on l.cle = d.cle_structure
),

groupes as (
    select
        id_structure,
        list_sort(list_distinct(list(source))) as sources,
        list_sort(list(cle_structure)) as ids_sources,
        list_sort(list_distinct(list(table_source))) as tables_sources,
        coalesce(
            string_agg(distinct regle_fusion, ', ' order by regle_fusion) filter (where regle_fusion <> 'aucune'),
            'aucune'
        ) as regle_fusion,
        count(*) as nb_enregistrements,
        list_sort(list_distinct(flatten(list(coalesce(reseaux_porteurs, []::varchar[]))))) as reseaux_porteurs,
        -- the first known value in the order of preference
        arg_min(siret, rang) filter (where siret is not null) as siret,
        arg_min(typologie, rang) filter (where typologie is not null) as typologie,
        arg_min(site_web, rang) filter (where site_web is not null) as site_web,
        arg_min(adresse, rang) filter (where adresse is not null) as adresse,
        arg_min(code_commune, rang) filter (where code_commune is not null) as code_commune,
        arg_min(methode_localisation, rang) filter (where code_commune is not null) as methode_localisation,
        -- reliable coordinates of the most preferred record having some, else the commune's point
        coalesce(
            arg_min(longitude_retenue, rang) filter (where origine_coordonnees = 'source'),
            arg_min(longitude_retenue, rang) filter (where longitude_retenue is not null)
        ) as longitude,
        coalesce(
            arg_min(latitude_retenue, rang) filter (where origine_coordonnees = 'source'),
            arg_min(latitude_retenue, rang) filter (where latitude_retenue is not null)
        ) as latitude,
        coalesce(
            arg_min(origine_coordonnees, rang) filter (where origine_coordonnees = 'source'),
            arg_min(origine_coordonnees, rang) filter (where origine_coordonnees is not null)
        ) as origine_coordonnees,
        bool_or(hors_departement) as hors_departement,
        bool_or(coordonnees_corrigees) as coordonnees_corrigees,
        max(capacite) as capacite,
        max(nb_conseillers) as nb_conseillers,
        max(date_maj) as date_maj,
        bool_and(structure_reconstituee) as structure_reconstituee
    from enregistrements
    group by id_structure
),

noms_propres as (
    {{ noms_propres('(select * from enregistrements where rang = 1)', 'id_structure', 'nom') }}
),

-- the name people read: the source's name in title case when written in capitals, or the
-- source's pattern for lists naming a site by its commune only (seed offre_noms_sites)
noms as (
    select
        g.id_structure,
        coalesce(
            replace(src.gabarit_nom_affiche, '{de_commune}', {{ de_lieu('c.libelle') }}),
            np.nom_propre,
            e.nom
        ) as nom_base,
        c.libelle as libelle_commune,
        c.code_departement
    from groupes as g
    inner join enregistrements as e on e.id_structure = g.id_structure and e.rang = 1
    left join noms_propres as np on np.cle = g.id_structure
    left join {{ ref('int_communes__hierarchie') }} as c on c.code_commune = g.code_commune
    left join {{ ref('offre_noms_sites') }} as src on src.table_source = e.table_source
),

-- a name several structures of a département share (« Mission Locale ») gets its commune
noms_affiches as (
    select
        id_structure,
        case
            when count(*) over (partition by code_departement, lower(strip_accents(nom_base))) > 1
                and libelle_commune is not null
                and strpos(lower(strip_accents(nom_base)), lower(strip_accents(libelle_commune))) = 0
            then nom_base || ' – ' || libelle_commune
            else nom_base
        end as nom_affiche
    from noms
),

final as (
    select
        g.id_structure,
        e.nom,
        na.nom_affiche,
        g.siret,
        g.code_commune,
        c.libelle as libelle_commune,
        c.code_departement,
        c.code_epci,
        c.code_ept,
        c.code_region,
        g.adresse,
        g.longitude,
        g.latitude,
        g.origine_coordonnees,
        coalesce(g.methode_localisation, 'non_localise') as methode_localisation,
        g.hors_departement,
        g.coordonnees_corrigees,
        g.sources,
        g.ids_sources,
        g.tables_sources,
        g.nb_enregistrements,
        g.regle_fusion,
        g.typologie,
        nullif(g.reseaux_porteurs, []) as reseaux_porteurs,
        g.capacite,
        g.nb_conseillers,
        g.site_web,
        g.date_maj,
        g.structure_reconstituee
    from groupes as g
    inner join enregistrements as e on e.id_structure = g.id_structure and e.rang = 1
    left join noms_affiches as na on na.id_structure = g.id_structure
    left join {{ ref('int_communes__hierarchie') }} as c on c.code_commune = g.code_commune
)

select * from final
