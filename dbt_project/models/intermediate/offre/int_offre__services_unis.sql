-- Every service of every offer source in one table, with its fields translated to the
-- data·inclusion v1 vocabulary: v0 thématiques, types, fees and profiles are mapped through
-- the data·inclusion correspondence seeds; values that are neither v1 nor known v0 codes are
-- kept in `*_inconnus` columns (never dropped silently).
with services as (
    {{ offre_union('services') }}
),

referentiel as (
    select referentiel, valeur from {{ ref('offre_referentiels_v1') }}
),

thematiques_v0 as (
    select thematique_v0, thematique_v1 from {{ ref('offre_thematiques_v0_v1') }}
),

uniques as (
    select *, count(*) over (partition by cle_service) as nb_lignes_cle
    from services
    qualify row_number() over (
        partition by cle_service order by (longitude is not null) desc, (thematiques is not null) desc, nom
    ) = 1
),

-- one row per (service, thématique as given)
thematiques as (
    select u.cle_service, t.thematique
    from uniques as u, unnest(u.thematiques) as t(thematique)
),

thematiques_traduites as (
    select
        t.cle_service,
        list_sort(list_distinct(list_filter(list(
            case when r.valeur is not null then t.thematique else m.thematique_v1 end
        ), lambda x: x is not null))) as thematiques_v1,
        list_sort(list_distinct(list_filter(list(
            case when r.valeur is null and m.thematique_v0 is null then t.thematique end
        ), lambda x: x is not null))) as thematiques_inconnues
    from thematiques as t
    left join referentiel as r on r.referentiel = 'Thematique' and r.valeur = t.thematique
    left join thematiques_v0 as m on r.valeur is null and m.thematique_v0 = t.thematique
    group by t.cle_service
),

{% for champ, referentiel, seed, colonne_v0, colonne_v1 in [
    ('types', 'TypeService', 'offre_types_v0_v1', 'type_v0', 'type_v1'),
    ('frais', 'Frais', 'offre_frais_v0_v1', 'frais_v0', 'frais_v1'),
    ('publics', 'Public', 'offre_publics_v0_v1', 'profil_v0', 'public_v1'),
    ('modes_accueil', 'ModeAccueil', none, none, none),
] %}
{{ champ }}_traduits as (
    select
        u.cle_service,
        list_sort(list_distinct(list_filter(list(
            case when r.valeur is not null then v.valeur
            {% if seed %}else m.{{ colonne_v1 }}{% endif %} end
        ), lambda x: x is not null))) as {{ champ }}_v1,
        list_sort(list_distinct(list_filter(list(
            case when r.valeur is null {% if seed %}and m.{{ colonne_v0 }} is null{% endif %} then v.valeur end
        ), lambda x: x is not null))) as {{ champ }}_inconnus
    from uniques as u, unnest(u.{{ champ }}) as v(valeur)
    left join referentiel as r on r.referentiel = '{{ referentiel }}' and r.valeur = v.valeur
    {% if seed %}
    left join {{ ref(seed) }} as m on r.valeur is null and m.{{ colonne_v0 }} = v.valeur
    {% endif %}
    group by u.cle_service
),
{% endfor %}

final as (
    select
        u.cle_service,
        u.cle_structure,
        u.table_source,
        coalesce(u.source, u.table_source) as source,
        u.id_source,
        u.structure_id_source,
        u.nom,
        u.description,
        u.thematiques as thematiques_source,
        nullif(th.thematiques_v1, []) as thematiques,
        nullif(th.thematiques_inconnues, []) as thematiques_inconnues,
        -- v1 has a single type per service: the first in the order of the referential
        case
            when list_contains(ty.types_v1, 'accompagnement') then 'accompagnement'
            when list_contains(ty.types_v1, 'formation') then 'formation'
            when list_contains(ty.types_v1, 'atelier') then 'atelier'
            when list_contains(ty.types_v1, 'aide-financiere') then 'aide-financiere'
            when list_contains(ty.types_v1, 'aide-materielle') then 'aide-materielle'
            when list_contains(ty.types_v1, 'information') then 'information'
        end as type_service,
        nullif(ty.types_v1, []) as types,
        nullif(ty.types_inconnus, []) as types_inconnus,
        -- v1 has a single fee value: any fee makes the service `payant`
        case
            when list_contains(fr.frais_v1, 'payant') then 'payant'
            when list_contains(fr.frais_v1, 'gratuit') then 'gratuit'
        end as frais,
        nullif(fr.frais_inconnus, []) as frais_inconnus,
        nullif(pu.publics_v1, []) as publics,
        nullif(pu.publics_inconnus, []) as publics_inconnus,
        nullif(ma.modes_accueil_v1, []) as modes_accueil,
        nullif(ma.modes_accueil_inconnus, []) as modes_accueil_inconnus,
        u.zone_eligibilite,
        u.code_insee,
        u.commune,
        u.code_postal,
        u.adresse,
        u.longitude,
        u.latitude,
        u.date_maj,
        u.nb_lignes_cle
    from uniques as u
    left join thematiques_traduites as th on th.cle_service = u.cle_service
    left join types_traduits as ty on ty.cle_service = u.cle_service
    left join frais_traduits as fr on fr.cle_service = u.cle_service
    left join publics_traduits as pu on pu.cle_service = u.cle_service
    left join modes_accueil_traduits as ma on ma.cle_service = u.cle_service
)

select * from final
