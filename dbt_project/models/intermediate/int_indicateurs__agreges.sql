-- Commune indicators whose numerator and denominator are counts, summed to the EPCI, EPT,
-- département, région and France (métropole + DROM). Only communes with a value enter the sums;
-- `couverture` is the share of the territory's population living in those communes (the mart
-- publishes the value only above the catalogue's `couverture_minimale`).
with communes as (
    select * from {{ ref('int_communes__hierarchie') }}
),

valeurs as (
    select * from {{ ref('int_indicateurs__communes') }} where agregeable
),

appartenances as (
    {{ par_niveau('communes', ['code_commune', 'population'], niveaux=['epci', 'ept', 'departement', 'region', 'france']) }}
),

population_territoire as (
    select niveau, code_territoire, sum(population) as population
    from appartenances
    group by niveau, code_territoire
),

sommes as (
    select
        a.niveau,
        a.code_territoire,
        v.code_indicateur,
        v.annee,
        sum(v.numerateur) as numerateur,
        sum(v.denominateur) as denominateur,
        sum(a.population) as population_couverte
    from valeurs as v
    inner join appartenances as a on a.code_commune = v.code_commune
    where v.valeur is not null
    group by a.niveau, a.code_territoire, v.code_indicateur, v.annee
),

qpv_2024 as (
    select a.niveau, a.code_territoire, count(distinct q.code_qpv) as nb_qpv
    from appartenances as a
    inner join {{ ref('int_qpv__communes') }} as q on q.code_commune = a.code_commune
    group by a.niveau, a.code_territoire
),

final as (
    select
        s.niveau,
        s.code_territoire,
        s.code_indicateur,
        s.annee,
        100 * s.numerateur / nullif(s.denominateur, 0) as valeur,
        s.numerateur,
        s.denominateur,
        false as secret,
        'recalcule' as methode,
        least(1.0, s.population_couverte / nullif(p.population, 0)) as couverture
    from sommes as s
    inner join population_territoire as p on p.niveau = s.niveau and p.code_territoire = s.code_territoire

    union all

    select p.niveau, p.code_territoire, 'nombre_qpv_2024', 2024, coalesce(q.nb_qpv, 0), coalesce(q.nb_qpv, 0), null,
        false, 'recalcule', 1.0
    from population_territoire as p
    left join qpv_2024 as q on q.niveau = p.niveau and q.code_territoire = p.code_territoire
)

select * from final
