-- Every commune-level indicator in long format, COG 2026. `agregeable` marks the indicators
-- whose numerator and denominator are counts that can be summed to higher levels; `valeur` is
-- NULL with `secret` when the source masked it. Rows without a value and without secrecy
-- (merged commune whose rate cannot be recomputed, commune absent from a source) are dropped.
with communes as (
    select * from {{ ref('int_communes__hierarchie') }}
),

filosofi as (
    select * from {{ ref('int_filosofi__communes_harmonisees') }}
),

caf as (
    select * from {{ ref('int_caf__communes_harmonisees') }}
),

rp as (
    select * from {{ ref('int_rp__communes_harmonisees') }}
),

france_travail as (
    select * from {{ ref('int_france_travail__communes_harmonisees') }}
),

rp_2021 as (
    select * from {{ ref('int_rp__communes_harmonisees_2021') }}
),

-- active 15-64 of the most recent census of each commune: RP 2022 where the snapshot has it,
-- else RP 2021 (every commune)
actifs as (
    select
        coalesce(r22.code_commune, r21.code_commune) as code_commune,
        coalesce(r22.actifs_15_64, r21.actifs_15_64) as actifs_15_64
    from rp_2021 as r21
    full outer join (select * from rp where actifs_15_64 is not null) as r22 on r22.code_commune = r21.code_commune
),

lignes as (
    -- Filosofi 2021: published rate (recomputed from poor persons for merged communes)
    select code_commune, 'taux_pauvrete' as code_indicateur, 2021 as annee, taux_pauvrete as valeur,
        personnes_pauvres as numerateur, nb_personnes_menages_fiscaux as denominateur,
        taux_pauvrete is null and taux_pauvrete_secret as secret, taux_pauvrete_methode as methode,
        -- summed to EPCI / EPT from poor persons (rate × persons); published levels win above
        true as agregeable
    from filosofi

    {% for mesure in filosofi_mesures_publiees() %}
    union all
    select code_commune, '{{ mesure }}', 2021, {{ mesure }}, null, null,
        {{ mesure }} is null and {{ mesure }}_secret, 'publie', false
    from filosofi
    {% endfor %}

    -- CAF 2020 per 100 households / inhabitants (Filosofi 2021 denominators)
    union all
    select c.code_commune, 'enfants_moins_3_ans_pour_100_habitants', 2020,
        100 * c.enfants_moins_3_ans / nullif(f.nb_personnes_menages_fiscaux, 0),
        c.enfants_moins_3_ans, f.nb_personnes_menages_fiscaux,
        c.enfants_moins_3_ans_secret and c.enfants_moins_3_ans is null, 'recalcule', true
    from caf as c
    left join filosofi as f on f.code_commune = c.code_commune

    {% for code, mesure in [
        ('allocataires_monoparents_pour_100_menages', 'allocataires_monoparents'),
        ('allocataires_rsa_pour_100_menages', 'allocataires_rsa'),
        ('allocataires_aah_pour_100_menages', 'allocataires_aah'),
        ('allocataires_prime_activite_pour_100_menages', 'allocataires_prime_activite'),
        ('allocataires_aide_logement_pour_100_menages', 'allocataires_aide_logement'),
    ] %}
    union all
    select c.code_commune, '{{ code }}', 2020,
        100 * c.{{ mesure }} / nullif(f.nb_menages_fiscaux, 0),
        c.{{ mesure }}, f.nb_menages_fiscaux,
        (c.{{ mesure }}_secret and c.{{ mesure }} is null)
            or (c.{{ mesure }} is not null and f.nb_menages_fiscaux is null and coalesce(f.nb_menages_fiscaux_secret, false)),
        'recalcule', true
    from caf as c
    left join filosofi as f on f.code_commune = c.code_commune
    {% endfor %}

    -- Census 2022 (counts summed to COG 2026)
    {% for code, numerateur, denominateur in [
        ('part_moins_15_ans', 'population_0_14', 'population_toutes_classes'),
        ('part_familles_monoparentales', 'familles_monoparentales', 'menages_famille'),
        ('taux_chomage_15_64', 'chomeurs_15_64', 'actifs_15_64'),
        ('taux_chomage_15_24', 'chomeurs_15_24', 'actifs_15_24'),
    ] %}
    union all
    select code_commune, '{{ code }}', 2022,
        100 * {{ numerateur }} / nullif({{ denominateur }}, 0),
        {{ numerateur }}, {{ denominateur }}, false, 'recalcule', true
    from rp
    {% endfor %}

    -- Census 2021 for every commune (COG 2024 counts summed to COG 2026); the 2022 rows above stay
    union all
    select code_commune, 'taux_chomage_15_64', 2021,
        100 * chomeurs_15_64 / nullif(actifs_15_64, 0), chomeurs_15_64, actifs_15_64, false, 'recalcule', true
    from rp_2021

    -- births of 2022 (état civil, by the mother's commune of residence) per 100 inhabitants of 2021
    union all
    select code_commune, 'naissances_pour_100_habitants', 2022,
        100 * naissances_2022 / nullif(population, 0), naissances_2022, population, false, 'recalcule', true
    from rp_2021
    where naissances_2022 is not null

    -- France Travail (early 2025) per 100 active people (most recent census) and per 100 inhabitants
    union all
    select ft.code_commune, 'demandeurs_emploi_pour_100_actifs', 2025,
        100 * ft.demandeurs_emploi / nullif(a.actifs_15_64, 0),
        ft.demandeurs_emploi, a.actifs_15_64, ft.demandeurs_emploi_secret and ft.demandeurs_emploi is null,
        'recalcule', true
    from france_travail as ft
    inner join actifs as a on a.code_commune = ft.code_commune

    union all
    select ft.code_commune, 'demandeurs_emploi_pour_100_habitants', 2025,
        100 * ft.demandeurs_emploi / nullif(c.population, 0),
        ft.demandeurs_emploi, c.population, ft.demandeurs_emploi_secret and ft.demandeurs_emploi is null,
        'recalcule', true
    from france_travail as ft
    inner join communes as c on c.code_commune = ft.code_commune

    -- CNAF childcare coverage (places per 100 children under 3): published rate where the CNAF commune
    -- is the whole 2026 commune, else recomputed from places and estimated children; summed above
    union all
    select code_commune, 'taux_couverture_accueil_jeune_enfant', annee, taux_couverture_global,
        places_accueil_formel, enfants_moins_3_ans_estimes, false, methode, enfants_moins_3_ans_estimes is not null
    from {{ ref('int_cnaf__couverture_communes') }}
    where taux_couverture_global is not null

    -- Nord / Pas-de-Calais (third-party tables, 411 communes): households without a car (census),
    -- energy-poor diagnosed dwellings (DPE F or G, ADEME since 2021)
    union all
    select code_commune, code_indicateur,
        case code_indicateur when 'part_menages_sans_voiture' then 2022 else 2026 end,
        valeur, numerateur, denominateur, false, methode, true
    from {{ ref('int_transition_ecologique__communes') }}

    -- NEET: published rates, no counts
    union all
    select code_territoire, 'part_neet', annee, part_non_inseres, null, null,
        part_non_inseres is null and secret, 'publie', false
    from {{ ref('int_neet__territoires_harmonises') }}
    where niveau = 'commune'

    -- Population in QPV (2015 list)
    union all
    select code_commune, 'part_population_qpv', 2018,
        100 * population_qpv / nullif(population_communes, 0),
        population_qpv, population_communes, population_qpv is null and secret, 'recalcule', false
    from {{ ref('int_qpv__population_2015_communes') }}

    -- QPV 2024 and density grid (population légale 2023)
    union all
    select code_commune, 'nombre_qpv_2024', 2024, nb_qpv_2024, nb_qpv_2024, null, false, 'recalcule', false
    from communes

    union all
    select code_commune, 'part_population_rurale', 2023,
        case when grille_densite in (select niveau from {{ ref('grille_densite_niveaux') }} where nature = 'rural')
            then 100.0 else 0.0 end,
        case when grille_densite in (select niveau from {{ ref('grille_densite_niveaux') }} where nature = 'rural')
            then population else 0 end,
        population, false, 'recalcule', true
    from communes
    where grille_densite is not null and population is not null
),

final as (
    select
        l.code_commune,
        l.code_indicateur,
        cast(l.annee as integer) as annee,
        cast(l.valeur as double) as valeur,
        cast(l.numerateur as double) as numerateur,
        cast(l.denominateur as double) as denominateur,
        coalesce(l.secret, false) as secret,
        l.methode,
        l.agregeable
    from lignes as l
    inner join communes as c on c.code_commune = l.code_commune
    where l.valeur is not null or coalesce(l.secret, false)
)

select * from final
