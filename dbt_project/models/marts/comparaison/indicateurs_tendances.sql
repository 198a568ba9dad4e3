-- Trends: for every series of several years (seed tendances_series) and every département, région
-- and France, the series, the comparable period and the change over it, with a plain-French reading
-- (« en hausse de 1,2 point depuis 2017 »).
--
-- Vintage rules (docs/indicateurs.md, « Tendances ») are declared in two seeds, never here:
--   * tendances_series.ecart_minimal_annees: two values are compared only if that many years apart
--     (5 for the census: two vintages closer than five years share annual surveys);
--   * tendances_ruptures: `rupture` = a break of method, values before it are never compared with
--     values from it on (the comparison stays on the latest side); `non_publie` = from that year the
--     source no longer publishes the territory (values dropped, the series stops before).
-- The comparable period ends at the latest year with a value and starts at the earliest year that
-- is on the same side of every break and far enough from the end.
with series as (
    select * from {{ ref('tendances_series') }}
),

ruptures as (
    select * from {{ ref('tendances_ruptures') }}
),

catalogue as (
    select code_indicateur, libelle, unite, sens from {{ ref('indicateurs_catalogue') }}
),

drees_tableaux as (
    select code_mesure, libelle, unite from {{ ref('offre_drees_tableaux') }}
),

valeurs_indicateurs as (
    select i.niveau, i.code_territoire, i.code_indicateur as code_serie, i.annee, i.valeur
    from {{ ref('indicateurs') }} as i
    inner join series as s on s.code_serie = i.code_indicateur and s.origine = 'indicateur'
    where i.niveau in ('departement', 'region', 'france') and i.valeur is not null
),

valeurs_drees as (
    -- DREES tables are published per département only (COG départements; the DREES's own
    -- collectivités 20, 6AE, 69D, 69M are not COG territories)
    select 'departement' as niveau, d.code_territoire_drees as code_territoire, d.code_mesure as code_serie,
        d.annee, d.valeur
    from {{ ref('stg_petite_enfance__drees_departements') }} as d
    inner join series as s on s.code_serie = d.code_mesure and s.origine = 'drees'
    where d.est_departement and d.valeur is not null
),

valeurs as (
    select * from valeurs_indicateurs
    union all
    select * from valeurs_drees
),

publiees as (
    -- a `non_publie` break drops the values from its year on
    select v.*
    from valeurs as v
    where not exists (
        select 1 from ruptures as r
        where r.nature = 'non_publie' and r.code_serie = v.code_serie
            and coalesce(r.code_territoire, '') in ('', v.code_territoire) and v.annee >= r.annee
    )
),

fins as (
    select niveau, code_territoire, code_serie, max(annee) as annee_fin,
        count(*) as nb_annees,
        list({'annee': annee, 'valeur': round(valeur, 2)} order by annee) as serie
    from publiees
    group by niveau, code_territoire, code_serie
),

-- the latest method break at or before the last year: the comparison starts from it
dernieres_ruptures as (
    select f.niveau, f.code_territoire, f.code_serie, max(r.annee) as annee_rupture,
        string_agg(r.motif, ' ; ' order by r.annee) as motif_rupture
    from fins as f
    inner join ruptures as r
        on r.nature = 'rupture' and r.code_serie = f.code_serie
        and coalesce(r.code_territoire, '') in ('', f.code_territoire) and r.annee <= f.annee_fin
    group by f.niveau, f.code_territoire, f.code_serie
),

debuts as (
    select f.niveau, f.code_territoire, f.code_serie, min(p.annee) as annee_debut
    from fins as f
    inner join series as s on s.code_serie = f.code_serie
    left join dernieres_ruptures as d
        on d.niveau = f.niveau and d.code_territoire = f.code_territoire and d.code_serie = f.code_serie
    inner join publiees as p
        on p.niveau = f.niveau and p.code_territoire = f.code_territoire and p.code_serie = f.code_serie
        and p.annee <= f.annee_fin - s.ecart_minimal_annees
        and p.annee >= coalesce(d.annee_rupture, p.annee)
    group by f.niveau, f.code_territoire, f.code_serie
),

dernieres_annees as (
    -- the latest year of a series anywhere: « depuis 2017 » when the territory reaches it
    select code_serie, max(annee) as annee_max from publiees group by code_serie
),

territoires as (
    select niveau, code_territoire, libelle, code_departement, code_region
    from {{ ref('territoires') }}
    where niveau in ('departement', 'region', 'france')
),

calcul as (
    select
        f.niveau,
        f.code_territoire,
        f.code_serie,
        s.origine,
        coalesce(c.libelle, dt.libelle) as libelle_serie,
        coalesce(c.unite, dt.unite) as unite,
        coalesce(c.sens, 'neutre') as sens,
        s.type_evolution,
        s.ecart_minimal_annees,
        s.precision,
        f.nb_annees,
        f.serie,
        b.annee_debut,
        f.annee_fin,
        vd.valeur as valeur_debut,
        vf.valeur as valeur_fin,
        case
            when b.annee_debut is null then null
            when s.type_evolution = 'pourcentage' then 100 * (vf.valeur / nullif(vd.valeur, 0) - 1)
            else vf.valeur - vd.valeur
        end as evolution,
        -- a count that starts from 0 has no change in percent: « passé de 0 à 3 »
        s.type_evolution = 'pourcentage' and vd.valeur = 0 as depuis_zero,
        d.annee_rupture,
        d.motif_rupture,
        (f.annee_fin = m.annee_max) as jusqu_a_la_derniere_annee
    from fins as f
    inner join series as s on s.code_serie = f.code_serie
    left join catalogue as c on c.code_indicateur = f.code_serie and s.origine = 'indicateur'
    left join drees_tableaux as dt on dt.code_mesure = f.code_serie and s.origine = 'drees'
    left join debuts as b
        on b.niveau = f.niveau and b.code_territoire = f.code_territoire and b.code_serie = f.code_serie
    left join dernieres_ruptures as d
        on d.niveau = f.niveau and d.code_territoire = f.code_territoire and d.code_serie = f.code_serie
    left join dernieres_annees as m on m.code_serie = f.code_serie
    left join publiees as vd
        on vd.niveau = f.niveau and vd.code_territoire = f.code_territoire and vd.code_serie = f.code_serie
        and vd.annee = b.annee_debut
    inner join publiees as vf
        on vf.niveau = f.niveau and vf.code_territoire = f.code_territoire and vf.code_serie = f.code_serie
        and vf.annee = f.annee_fin
),

lectures as (
    select
        *,
        -- the change as it is read: a rate in points, an amount or a count in percent, other units as is
        case type_evolution
            when 'points' then 'point'
            when 'pourcentage' then '%'
            else unite
        end as unite_evolution,
        round(evolution, 1) as evolution_arrondie
    from calcul
),

final as (
    select
        l.niveau,
        l.code_territoire,
        t.libelle as libelle_territoire,
        t.code_departement,
        t.code_region,
        l.code_serie,
        l.origine,
        l.libelle_serie,
        l.unite,
        l.sens,
        l.type_evolution,
        l.nb_annees,
        l.serie,
        l.annee_debut,
        l.annee_fin,
        round(l.valeur_debut, 2) as valeur_debut,
        round(l.valeur_fin, 2) as valeur_fin,
        round(l.evolution, 2) as evolution,
        l.unite_evolution,
        case
            when l.annee_debut is null then
                case
                    when l.nb_annees < 2 then 'une seule année connue'
                    when l.annee_rupture is not null then
                        'pas de comparaison possible depuis la rupture de série de ' || l.annee_rupture
                    else 'pas de comparaison possible : années distantes de moins de '
                        || l.ecart_minimal_annees || ' ans'
                end
            when l.depuis_zero then
                'passé de 0 à ' || {{ nombre_fr('l.valeur_fin', 0) }}
                || case when l.jusqu_a_la_derniere_annee then ' depuis ' || l.annee_debut
                    else ' de ' || l.annee_debut || ' à ' || l.annee_fin end
            else
                case
                    when l.evolution_arrondie = 0 then 'stable'
                    when l.evolution_arrondie > 0 then 'en hausse de '
                    else 'en baisse de '
                end
                || case when l.evolution_arrondie = 0 then ''
                    else {{ nombre_fr('abs(l.evolution_arrondie)', 1) }}
                        || case
                            -- French typography: a no-break space between a number and its unit
                            when l.unite_evolution = '%' then ' %'
                            when l.unite_evolution = 'point' and abs(l.evolution_arrondie) >= 2 then ' points'
                            when l.unite_evolution = 'point' then ' point'
                            when l.unite_evolution like 'places %' and abs(l.evolution_arrondie) < 2
                                then ' place' || substr(l.unite_evolution, 7)
                            when l.unite_evolution = 'rapport' then ''
                            else ' ' || l.unite_evolution
                        end
                end
                || case when l.jusqu_a_la_derniere_annee then ' depuis ' || l.annee_debut
                    else ' de ' || l.annee_debut || ' à ' || l.annee_fin end
        end as lecture,
        l.precision,
        l.ecart_minimal_annees,
        l.annee_rupture,
        l.motif_rupture
    from lectures as l
    left join territoires as t on t.niveau = l.niveau and t.code_territoire = l.code_territoire
)

select * from final
