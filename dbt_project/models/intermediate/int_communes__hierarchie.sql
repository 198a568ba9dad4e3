-- One row per commune actuelle of the COG 2026 with its parents (EPCI à fiscalité propre,
-- EPT of the Grand Paris, département, région), its legal population and the ANCT grids.
with communes as (
    select * from {{ ref('stg_cog__communes') }} where type_commune = 'commune-actuelle'
),

correspondance as (
    select * from {{ ref('int_communes__correspondance') }}
),

{% for grille in ['densite', 'ruralite', 'centralite'] %}
grille_{{ grille }} as (
    -- a merged commune takes the class of the grid row carrying its own code, else the first one
    select co.code_commune, g.niveau_{{ grille }}
    from {{ ref('stg_anct__grille_' ~ grille) }} as g
    inner join correspondance as co on co.code_commune_source = g.code_commune_source
    where g.niveau_{{ grille }} is not null
    qualify row_number() over (
        partition by co.code_commune
        order by (g.code_commune_source = co.code_commune) desc, g.code_commune_source
    ) = 1
),
{% endfor %}

qpv as (
    select code_commune, count(distinct code_qpv) as nb_qpv_2024
    from {{ ref('int_qpv__communes') }}
    group by code_commune
),

final as (
    select
        c.code_commune,
        c.libelle,
        c.code_epci,
        c.code_ept,
        c.code_departement,
        c.code_region,
        c.zone,
        c.zone in ('metro', 'drom') as dans_france_entiere,
        c.population_municipale as population,
        gd.niveau_densite as grille_densite,
        gr.niveau_ruralite as grille_ruralite,
        gc.niveau_centralite as grille_centralite,
        coalesce(q.nb_qpv_2024, 0) as nb_qpv_2024,
        coalesce(q.nb_qpv_2024, 0) > 0 as est_qpv
    from communes as c
    left join grille_densite as gd on gd.code_commune = c.code_commune
    left join grille_ruralite as gr on gr.code_commune = c.code_commune
    left join grille_centralite as gc on gc.code_commune = c.code_commune
    left join qpv as q on q.code_commune = c.code_commune
)

select * from final
