{{ config(tags=["apres_graphe"]) }}

-- Every indicator and every priority factor of every département beside its comparable
-- départements (marts.departements_comparables), its région and France: the value, the peers'
-- median, the département's rank among itself and its peers (1 = the most unfavourable), and the
-- trend of the series when one exists (marts.indicateurs_tendances).
--
-- Families: `indicateur` (marts.indicateurs, the latest year with a France value, else the latest;
-- peers at the same year), `indice_besoin` and `indice_offre` / `ecart_besoin_offre` per domain
-- (national marts), and per domain the coordination weakness and the priority factors and score
-- (`priorite`): these exist only for the départements whose diagnostic was built, so their peers'
-- median is over the built peers (nb_pairs_avec_valeur says how many).
-- Rank direction (`sens`): a high value is unfavourable except for a `hausse_favorable` indicator
-- (and the offer index); a `neutre` indicator is ranked from the highest value down.
with pairs as (
    select code_departement, code_departement_pair from {{ ref('departements_comparables') }}
),

departements as (
    select distinct code_departement from {{ ref('departements_profil') }}
),

territoires as (
    select code_territoire as code_departement, libelle, code_region
    from {{ ref('territoires') }} where niveau = 'departement'
),

catalogue as (
    select * from {{ ref('indicateurs_catalogue') }}
),

domaines as (
    select code_axe, code_domaine, libelle_domaine from {{ ref('axes_domaines') }}
),

indicateurs as (
    select
        'indicateur' as famille,
        i.code_indicateur as code_mesure,
        c.code_axe,
        c.code_domaine,
        c.libelle as libelle_mesure,
        c.unite,
        c.sens,
        i.code_territoire as code_departement,
        i.annee,
        i.valeur,
        i.valeur_region,
        i.valeur_france
    from {{ ref('indicateurs') }} as i
    inner join catalogue as c using (code_indicateur)
    where i.niveau = 'departement' and c.unite <> 'nombre'
),

annees_retenues as (
    -- the département's year: the latest with a France value, else the latest with a value
    select code_departement, code_mesure, annee
    from indicateurs
    where valeur is not null
    qualify row_number() over (
        partition by code_departement, code_mesure
        order by (valeur_france is not null) desc, annee desc
    ) = 1
),

besoins as (
    select b.niveau, b.code_territoire, b.code_domaine, b.indice_besoin
    from {{ ref('besoins') }} as b
    where b.niveau in ('departement', 'region', 'france')
),

ecarts as (
    select e.niveau, e.code_territoire, e.code_domaine, e.indice_offre, e.ecart
    from {{ ref('ecarts') }} as e
    where e.niveau in ('departement', 'region', 'france')
),

par_domaine as (
    -- national need and offer measures per domain, with the région and France values
    {% for colonne, source, famille, libelle, sens in [
        ('indice_besoin', 'besoins', 'indice_besoin', 'Indice de besoin', 'hausse_defavorable'),
        ('indice_offre', 'ecarts', 'indice_offre', "Indice d'offre", 'hausse_favorable'),
        ('ecart', 'ecarts', 'ecart_besoin_offre', 'Écart besoin - offre', 'hausse_defavorable'),
    ] %}
    select
        '{{ famille }}' as famille,
        d.code_domaine as code_mesure,
        dom.code_axe,
        d.code_domaine,
        '{{ libelle | replace("'", "''") }} – ' || dom.libelle_domaine as libelle_mesure,
        'indice' as unite,
        '{{ sens }}' as sens,
        d.code_territoire as code_departement,
        cast(null as integer) as annee,
        d.{{ colonne }} as valeur,
        r.{{ colonne }} as valeur_region,
        f.{{ colonne }} as valeur_france
    from {{ ref(source) }} as d
    inner join domaines as dom using (code_domaine)
    inner join territoires as t on t.code_departement = d.code_territoire
    left join {{ ref(source) }} as r
        on r.niveau = 'region' and r.code_territoire = t.code_region and r.code_domaine = d.code_domaine
    left join {{ ref(source) }} as f on f.niveau = 'france' and f.code_domaine = d.code_domaine
    where d.niveau = 'departement' and d.{{ colonne }} is not null
    {{ 'union all' if not loop.last }}
    {% endfor %}
),

coordination as (
    select
        'faiblesse_coordination' as famille,
        fc.code_domaine as code_mesure,
        dom.code_axe,
        fc.code_domaine,
        'Faiblesse de coordination – ' || dom.libelle_domaine as libelle_mesure,
        '0 à 1' as unite,
        'hausse_defavorable' as sens,
        fc.code_departement,
        cast(null as integer) as annee,
        max(fc.score) as valeur,
        cast(null as double) as valeur_region,
        cast(null as double) as valeur_france
    from {{ source('graphe', 'faiblesse_coordination') }} as fc
    inner join domaines as dom using (code_domaine)
    where fc.niveau = 'departement' and fc.code_territoire = fc.code_departement and fc.score is not null
    group by all
),

priorites as (
    -- the factors and the score of the département's own line (echelle departement)
    {% for colonne, libelle in [
        ('facteur_besoin', 'Facteur besoin'),
        ('facteur_ecart_offre', "Facteur écart à l'offre"),
        ('facteur_coordination', 'Facteur coordination'),
        ('facteur_publics_prioritaires', 'Facteur publics prioritaires'),
        ('score', 'Score de priorité'),
    ] %}
    select
        'priorite' as famille,
        '{{ colonne }}:' || p.code_domaine as code_mesure,
        p.code_axe,
        p.code_domaine,
        '{{ libelle | replace("'", "''") }} – ' || p.libelle_domaine as libelle_mesure,
        'facteur' as unite,
        'hausse_defavorable' as sens,
        p.code_departement,
        cast(null as integer) as annee,
        p.{{ colonne }} as valeur,
        cast(null as double) as valeur_region,
        cast(null as double) as valeur_france
    from {{ ref('priorites') }} as p
    where p.echelle = 'departement' and p.{{ colonne }} is not null
    {{ 'union all' if not loop.last }}
    {% endfor %}
),

mesures as (
    select * from indicateurs
    union all
    select * from par_domaine
    union all
    select * from coordination
    union all
    select * from priorites
),

retenues as (
    -- one row per département and measure: the chosen year for an indicator
    select m.*
    from mesures as m
    left join annees_retenues as a using (code_departement, code_mesure)
    where m.valeur is not null and (m.famille <> 'indicateur' or m.annee = a.annee)
),

groupe as (
    -- the département and its peers, each with its value of the measure (same year)
    select r.code_departement, r.famille, r.code_mesure, p.code_departement_pair as membre, m.valeur, false as soi
    from retenues as r
    inner join pairs as p using (code_departement)
    left join mesures as m
        on m.code_departement = p.code_departement_pair and m.famille = r.famille
        and m.code_mesure = r.code_mesure and m.annee is not distinct from r.annee
    union all
    select code_departement, famille, code_mesure, code_departement, valeur, true
    from retenues
),

rangs as (
    select
        g.*,
        case when g.valeur is null then null
            else rank() over (
                partition by g.code_departement, g.famille, g.code_mesure
                order by case when r.sens = 'hausse_favorable' then g.valeur else -g.valeur end nulls last
            )
        end as rang
    from groupe as g
    inner join retenues as r using (code_departement, famille, code_mesure)
),

synthese as (
    select
        code_departement, famille, code_mesure,
        count(*) filter (where not soi) as nb_pairs,
        count(valeur) filter (where not soi) as nb_pairs_avec_valeur,
        median(valeur) filter (where not soi) as mediane_pairs,
        min(valeur) filter (where not soi) as minimum_pairs,
        max(valeur) filter (where not soi) as maximum_pairs,
        max(rang) filter (where soi) as rang_pairs,
        count(valeur) as nb_classes
    from rangs
    group by code_departement, famille, code_mesure
),

tendances as (
    select code_territoire as code_departement, code_serie, lecture, annee_debut, annee_fin, evolution,
        unite_evolution
    from {{ ref('indicateurs_tendances') }}
    where niveau = 'departement'
),

final as (
    select
        r.code_departement,
        t.libelle as libelle_departement,
        t.code_region,
        r.famille,
        r.code_mesure,
        r.code_axe,
        r.code_domaine,
        r.libelle_mesure,
        r.unite,
        r.sens,
        r.annee,
        round(r.valeur, 2) as valeur,
        s.nb_pairs,
        s.nb_pairs_avec_valeur,
        round(s.mediane_pairs, 2) as mediane_pairs,
        round(s.minimum_pairs, 2) as minimum_pairs,
        round(s.maximum_pairs, 2) as maximum_pairs,
        case when s.nb_pairs_avec_valeur > 0 then s.rang_pairs end as rang_pairs,
        case when s.nb_pairs_avec_valeur > 0 then s.nb_classes end as nb_classes,
        round(r.valeur - s.mediane_pairs, 2) as ecart_mediane_pairs,
        round(r.valeur_region, 2) as valeur_region,
        round(r.valeur_france, 2) as valeur_france,
        tn.lecture as tendance,
        tn.annee_debut as annee_debut_tendance,
        tn.annee_fin as annee_fin_tendance
    from retenues as r
    inner join territoires as t using (code_departement)
    inner join departements as d using (code_departement)
    left join synthese as s using (code_departement, famille, code_mesure)
    left join tendances as tn on tn.code_departement = r.code_departement and r.famille = 'indicateur'
        and tn.code_serie = r.code_mesure
)

select * from final
