-- Every structure of every offer source in one table (data·inclusion v1 vocabulary), plus the
-- structures that services point to but that their source does not describe (data·inclusion
-- exports list services of structures absent from the structures file): those are rebuilt
-- from their services' place and flagged `structure_reconstituee`.
with structures as (
    {{ offre_union('structures') }}
),

services as (
    {{ offre_union('services') }}
),

sources as (
    select * from {{ ref('offre_sources') }}
),

typologies as (
    select upper(typologie_v0) as typologie_v0, reseau_porteur_v1 from {{ ref('offre_typologies_v0_v1') }}
),

reseaux_v1 as (
    select list(valeur order by valeur) as valeurs from {{ ref('offre_referentiels_v1') }} where referentiel = 'ReseauPorteur'
),

-- structures named by services but absent from their source's structures table
orphelines as (
    select
        sv.cle_structure,
        any_value(sv.table_source) as table_source,
        any_value(sv.source) as source,
        coalesce(any_value(sv.structure_id_source), 'sans-structure--' || any_value(sv.id_source)) as id_source,
        mode(sv.code_insee) as code_insee,
        mode(sv.commune) as commune,
        mode(sv.code_postal) as code_postal,
        mode(sv.adresse) as adresse,
        mode(sv.longitude) as longitude,
        mode(sv.latitude) as latitude,
        max(sv.date_maj) as date_maj,
        count(*) as nb_services
    from services as sv
    left join structures as st on st.cle_structure = sv.cle_structure
    where st.cle_structure is null
    group by sv.cle_structure
),

toutes as (
    select *, false as structure_reconstituee from structures
    union all by name
    select
        cle_structure, table_source, source, id_source,
        'Structure sans fiche (' || coalesce(source, table_source) || ')' as nom,
        code_insee, commune, code_postal, adresse, longitude, latitude, date_maj,
        true as structure_reconstituee
    from orphelines
),

-- a key given twice by one source keeps its most complete row; the count is kept
uniques as (
    select *, count(*) over (partition by cle_structure) as nb_lignes_cle
    from toutes
    qualify row_number() over (
        partition by cle_structure
        order by (longitude is not null) desc, (code_insee is not null) desc, (siret is not null) desc, nom
    ) = 1
),

final as (
    select
        t.cle_structure,
        t.table_source,
        coalesce(t.source, t.table_source) as source,
        t.id_source,
        t.nom,
        t.siret,
        t.code_insee,
        t.commune,
        t.code_postal,
        t.adresse,
        t.longitude,
        t.latitude,
        coalesce(t.coordonnees_corrigees, false) as coordonnees_corrigees,
        t.typologie,
        nullif(list_filter(t.reseaux_candidats, lambda x: list_contains(v1.valeurs, x)), []) as reseaux_porteurs,
        nullif(list_filter(t.reseaux_candidats, lambda x: not list_contains(v1.valeurs, x)), []) as reseaux_inconnus,
        t.nb_lignes_cle,
        t.site_web,
        t.date_maj,
        t.capacite,
        t.departement,
        t.nb_conseillers,
        t.structure_reconstituee,
        so.priorite as priorite_source
    from (
        -- v1 networks given by the source, the v1 network of a v0 typology, else the source's default
        select
            u.*,
            list_sort(list_distinct(list_filter(
                coalesce(u.reseaux_porteurs, []::varchar[])
                || case when ty.reseau_porteur_v1 is not null then [ty.reseau_porteur_v1] else []::varchar[] end
                || case when so.reseau_porteur_defaut is not null and ty.reseau_porteur_v1 is null
                        and u.reseaux_porteurs is null then [so.reseau_porteur_defaut] else []::varchar[] end,
                lambda x: x is not null
            ))) as reseaux_candidats
        from uniques as u
        left join typologies as ty on ty.typologie_v0 = upper(u.typologie)
        left join sources as so on so.table_source = u.table_source
    ) as t
    left join sources as so on so.table_source = t.table_source
    cross join reseaux_v1 as v1
)

select * from final
