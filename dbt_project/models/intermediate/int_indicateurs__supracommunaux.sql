-- Values above the commune that come from sources published at that level (methode 'publie'),
-- and the région / France values recomputed from the départements' numerators and denominators
-- (methode 'recalcule', never an average of rates). `couverture` = share of the denominator
-- (or population) of the territory covered by the départements that have a value.
with communes as (
    select * from {{ ref('int_communes__hierarchie') }}
),

departements as (
    select d.code_departement, d.code_region, d.zone in ('metro', 'drom') as dans_france_entiere
    from {{ ref('stg_cog__departements') }} as d
),

filosofi_communes as (
    select * from {{ ref('int_filosofi__communes_harmonisees') }}
),

personnes_departement as (
    select c.code_departement, sum(f.nb_personnes_menages_fiscaux) as personnes
    from filosofi_communes as f
    inner join communes as c on c.code_commune = f.code_commune
    group by c.code_departement
),

population_departement as (
    select code_departement, sum(population) as population
    from communes
    group by code_departement
),

pauvrete as (
    select * from {{ ref('stg_filosofi__pauvrete_departements_2021') }}
),

estimations as (
    select * from {{ ref('stg_insee__estimations_population_departements') }}
),

-- département rows with their numerator / denominator, before the recomputed régions and France
departementaux as (
    {% for code, colonne in [('taux_pauvrete', 'taux_pauvrete'), ('taux_pauvrete_40', 'taux_pauvrete_40')] %}
    select 'departement' as niveau, p.code_departement as code_territoire, '{{ code }}' as code_indicateur,
        2021 as annee, p.{{ colonne }} as valeur, p.{{ colonne }} * pd.personnes / 100 as numerateur,
        pd.personnes as denominateur, 'publie' as methode, true as agregeable
    from pauvrete as p
    left join personnes_departement as pd on pd.code_departement = p.code_departement
    where p.{{ colonne }} is not null
    union all
    {% endfor %}

    select 'departement', code_departement, 'intensite_pauvrete', 2021, intensite_pauvrete, null, null,
        'publie', false
    from pauvrete
    where intensite_pauvrete is not null

    union all
    select 'departement', code_departement, 'part_0_4_ans', annee, 100 * population_0_4 / population_totale,
        population_0_4, population_totale, 'recalcule', true
    from estimations

    union all
    select 'departement', d.code_departement, 'beneficiaires_rsa_inscrits_ft_pour_100_habitants', 2023,
        100 * d.beneficiaires_rsa_inscrits_france_travail / p.population,
        d.beneficiaires_rsa_inscrits_france_travail, p.population, 'recalcule', true
    from {{ ref('stg_dora__stats_insertion_departements') }} as d
    inner join population_departement as p on p.code_departement = d.code_departement
    where d.beneficiaires_rsa_inscrits_france_travail is not null

    union all
    select 'departement', q.code_departement, 'part_population_qpv', 2018,
        100 * sum(q.population_qpv) / any_value(e.population_totale),
        sum(q.population_qpv), any_value(e.population_totale), 'recalcule', true
    from {{ ref('stg_qpv__demographie_2015') }} as q
    inner join estimations as e on e.code_departement = q.code_departement and e.annee = 2018
    group by q.code_departement
    having bool_and(q.population_qpv is not null)

    union all
    -- NEET: published rate; the denominator (15-24 year-olds estimated on 1 January) only serves
    -- to recompute France, when the estimate of that year exists
    select 'departement', n.code_territoire, 'part_neet', n.annee, n.part_non_inseres,
        n.part_non_inseres * e.population_15_24 / 100, e.population_15_24, 'publie', e.population_15_24 is not null
    from {{ ref('int_neet__territoires_harmonises') }} as n
    left join estimations as e on e.code_departement = n.code_territoire and e.annee = n.annee
    where n.niveau = 'departement' and n.part_non_inseres is not null
),

-- every département that should count in the denominator of coverage, per indicator and year
attendus as (
    select i.code_indicateur, i.annee, d.code_departement, d.code_region, d.dans_france_entiere,
        coalesce(pd.personnes, 0) as personnes, coalesce(po.population, 0) as population
    from (select distinct code_indicateur, annee from departementaux where agregeable) as i
    cross join departements as d
    left join personnes_departement as pd on pd.code_departement = d.code_departement
    left join population_departement as po on po.code_departement = d.code_departement
),

avec_valeur as (
    select a.*, dx.numerateur, dx.denominateur, dx.numerateur is not null and dx.denominateur > 0 as couvert
    from attendus as a
    left join departementaux as dx
        on dx.code_indicateur = a.code_indicateur and dx.annee = a.annee and dx.code_territoire = a.code_departement
        and dx.agregeable
),

recalcules as (
    select
        niveau, code_territoire, code_indicateur, annee,
        100 * sum(numerateur) filter (where couvert) / sum(denominateur) filter (where couvert) as valeur,
        sum(numerateur) filter (where couvert) as numerateur,
        sum(denominateur) filter (where couvert) as denominateur,
        sum(population) filter (where couvert) / nullif(sum(population), 0) as couverture
    from (
        select 'region' as niveau, code_region as code_territoire, * from avec_valeur
        union all
        select 'france', 'FR', * from avec_valeur where dans_france_entiere
    )
    group by niveau, code_territoire, code_indicateur, annee
    having count(*) filter (where couvert) > 0
),

revenus as (
    -- Filosofi 2019 (EPCI, département, région, France métropolitaine) and the 2014-2018 series
    select niveau, code_territoire, annee, mediane_niveau_vie, decile_1, decile_9, rapport_interdecile
    from {{ ref('stg_filosofi__revenus_2019') }}
    union all
    select niveau, code_territoire, annee, mediane_niveau_vie, decile_1, decile_9, rapport_interdecile
    from {{ ref('stg_filosofi__revenus_series') }}
    where annee <> 2019
),

revenus_niveaux as (
    select
        case when r.niveau = 'epci' and e.est_ept then 'ept' else r.niveau end as niveau,
        r.code_territoire, r.annee, r.mediane_niveau_vie, r.decile_1, r.decile_9, r.rapport_interdecile
    from revenus as r
    left join {{ ref('stg_cog__epci') }} as e on r.niveau = 'epci' and e.code_epci = r.code_territoire
    -- EPCI rows only when the 2021 SIREN is still an EPCI / EPT of 2026
    where r.niveau <> 'epci' or e.code_epci is not null
    qualify row_number() over (partition by r.niveau, r.code_territoire, r.annee order by r.mediane_niveau_vie) = 1
),

publies_revenus as (
    {% for mesure in ['mediane_niveau_vie', 'decile_1', 'decile_9', 'rapport_interdecile'] %}
    select niveau, code_territoire, '{{ mesure }}' as code_indicateur, annee, {{ mesure }} as valeur,
        null::double as numerateur, null::double as denominateur, 'publie' as methode, 1.0 as couverture
    from revenus_niveaux
    where {{ mesure }} is not null
    {{ 'union all' if not loop.last }}
    {% endfor %}
),

neet_publies as (
    select niveau, code_territoire, 'part_neet' as code_indicateur, annee, part_non_inseres as valeur,
        null::double as numerateur, null::double as denominateur, 'publie' as methode, 1.0 as couverture
    from {{ ref('int_neet__territoires_harmonises') }}
    where niveau in ('epci', 'region') and part_non_inseres is not null
),

final as (
    select niveau, code_territoire, code_indicateur, cast(annee as integer) as annee, cast(valeur as double) as valeur,
        cast(numerateur as double) as numerateur, cast(denominateur as double) as denominateur,
        false as secret, methode, 1.0 as couverture
    from departementaux
    union all
    -- published régions win over recomputed ones
    select r.niveau, r.code_territoire, r.code_indicateur, r.annee, r.valeur, r.numerateur, r.denominateur,
        false, 'recalcule', r.couverture
    from recalcules as r
    where not exists (
        select 1 from neet_publies as n
        where n.niveau = r.niveau and n.code_territoire = r.code_territoire
            and n.code_indicateur = r.code_indicateur and n.annee = r.annee
    )
    union all
    select niveau, code_territoire, code_indicateur, annee, valeur, numerateur, denominateur, false, methode, couverture
    from publies_revenus
    union all
    select niveau, code_territoire, code_indicateur, annee, valeur, numerateur, denominateur, false, methode, couverture
    from neet_publies
)

select * from final
