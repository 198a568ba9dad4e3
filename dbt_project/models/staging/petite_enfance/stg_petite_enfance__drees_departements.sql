-- DREES early-childhood tables per département, one row per table × territory × year, with what
-- the table counts (seed offre_drees_tableaux). The DREES also publishes its own collectivités:
-- `20` (Collectivité de Corse: in recent years 2A and 2B are 0 and the figure is on `20`), `6AE`
-- (Collectivité européenne d'Alsace = 67 + 68) and `69D` / `69M` (69 = Rhône + Métropole de Lyon);
-- `est_departement` tells the COG départements apart.
with source as (
    select * from {{ source('raw', 'drees_accueil_jeune_enfant_departements') }}
),

tableaux as (
    select * from {{ ref('offre_drees_tableaux') }}
),

final as (
    select
        cast(s.tableau as varchar) as tableau,
        t.code_mesure,
        t.unite,
        cast(s.code_territoire_drees as varchar) as code_territoire_drees,
        cast(s.departement as varchar) as libelle_territoire_drees,
        s.code_territoire_drees in (select code_departement from {{ ref('stg_cog__departements') }})
            as est_departement,
        cast(s.annee as integer) as annee,
        cast(s.valeur as double) as valeur
    from source as s
    inner join tableaux as t on t.tableau = s.tableau
)

select * from final
