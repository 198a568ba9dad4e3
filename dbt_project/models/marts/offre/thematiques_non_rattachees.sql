-- Values of the offer that attach no service to a Pacte domain, with where they come from and
-- how many services carry them — never dropped silently:
--   statut `inconnue`          the value is in no correspondence seed (a new or misspelt code:
--                              to add to offre_correspondance_domaines.csv);
--   statut `hors_champ_pacte`  the value is known but deliberately attached to no domain (reason
--                              in `commentaire`).
-- Thématiques of services, networks and v0 typologies of structures are all listed.
with services as (
    select * from {{ ref('int_offre__services_unis') }}
),

services_domaines as (
    select id_service, bool_or(code_domaine is not null) as a_un_domaine
    from {{ ref('int_offre__services_domaines') }}
    group by id_service
),

structures as (
    select * from {{ ref('int_offre__structures_unies') }}
),

correspondance as (
    select
        type_valeur,
        valeur,
        -- (an empty code_domaine in the seed is read as NULL)
        bool_or(coalesce(code_domaine, '') <> '') as rattachee,
        string_agg(distinct commentaire, ' ; ' order by commentaire) filter (where coalesce(code_domaine, '') = '') as commentaire
    from {{ ref('offre_correspondance_domaines') }}
    group by type_valeur, valeur
),

valeurs as (
    select 'thematique' as type_valeur, t.valeur, sv.table_source, sv.source, sv.cle_service as cle,
        coalesce(sd.a_un_domaine, false) as porteur_rattache
    from services as sv, unnest(sv.thematiques_source) as t(valeur)
    left join services_domaines as sd on sd.id_service = sv.cle_service

    union all

    select 'reseau_porteur', r.valeur, st.table_source, st.source, st.cle_structure, null
    from structures as st, unnest(coalesce(st.reseaux_porteurs, []::varchar[]) || coalesce(st.reseaux_inconnus, []::varchar[]))
        as r(valeur)

    union all

    select 'typologie_v0', st.typologie, st.table_source, st.source, st.cle_structure, null
    from structures as st
    where st.typologie is not null
        -- v0 typologies without a v1 network (those with one are judged through the network); kinds of
        -- national lists that are not v0 codes (ESAT, CNFS...) carry no meaning of their own
        and upper(st.typologie) in (
            select upper(typologie_v0) from {{ ref('offre_typologies_v0_v1') }}
            where coalesce(reseau_porteur_v1, '') = ''
        )
),

final as (
    select
        v.type_valeur,
        v.valeur,
        case when c.valeur is null then 'inconnue' else 'hors_champ_pacte' end as statut,
        v.table_source,
        v.source,
        count(*) as nb_porteurs,
        count(*) filter (where v.porteur_rattache is false) as nb_services_sans_domaine,
        any_value(c.commentaire) as commentaire
    from valeurs as v
    left join correspondance as c on c.type_valeur = v.type_valeur and c.valeur = v.valeur
    where c.valeur is null or not c.rattachee
    group by all
)

select * from final
