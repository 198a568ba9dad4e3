-- Long table of the need indicators for every territory, with the values of its département,
-- région and France and the gaps to them. Above the commune a value is either published at that
-- level or recomputed from summed numerators and denominators (never an average of rates); a
-- recomputed value whose coverage is below the catalogue's `couverture_minimale` stays NULL.
-- Reference values are taken for the same year when they exist, else the nearest year (the
-- year used is given in `annee_reference_*`); counts (unit 'nombre') get no reference.
with catalogue as (
    select * from {{ ref('indicateurs_catalogue') }}
),

territoires as (
    select * from {{ ref('territoires') }}
),

communes as (
    select 'commune' as niveau, code_commune as code_territoire, code_indicateur, annee, valeur, numerateur,
        denominateur, secret, methode, case when valeur is null then 0.0 else 1.0 end as couverture
    from {{ ref('int_indicateurs__communes') }}
),

supra as (
    select * from {{ ref('int_indicateurs__supracommunaux') }}
),

agreges as (
    select a.*
    from {{ ref('int_indicateurs__agreges') }} as a
    where not exists (
        select 1 from supra as s
        where s.niveau = a.niveau and s.code_territoire = a.code_territoire
            and s.code_indicateur = a.code_indicateur and s.annee = a.annee
    )
),

toutes as (
    select niveau, code_territoire, code_indicateur, annee, valeur, numerateur, denominateur, secret, methode,
        couverture from communes
    union all
    select niveau, code_territoire, code_indicateur, annee, valeur, numerateur, denominateur, secret, methode,
        couverture from supra
    union all
    select niveau, code_territoire, code_indicateur, annee, valeur, numerateur, denominateur, secret, methode,
        couverture from agreges
),

retenues as (
    -- only the levels the catalogue declares, only known territories, coverage threshold applied
    select
        t.niveau,
        t.code_territoire,
        t.code_indicateur,
        t.annee,
        case
            when t.niveau <> 'commune' and t.methode = 'recalcule'
                and coalesce(t.couverture, 0) < c.couverture_minimale then null
            else t.valeur
        end as valeur,
        t.numerateur,
        t.denominateur,
        t.secret,
        t.methode,
        t.couverture,
        te.code_departement,
        te.code_region,
        c.unite
    from toutes as t
    inner join catalogue as c on c.code_indicateur = t.code_indicateur
    inner join territoires as te on te.niveau = t.niveau and te.code_territoire = t.code_territoire
    where list_contains(string_split(c.niveaux, '|'), t.niveau)
),

references_ as (
    select niveau, code_territoire, code_indicateur, annee, valeur
    from retenues
    where niveau in ('departement', 'region', 'france') and valeur is not null
),

{% for niveau, cle in [('departement', 'code_departement'), ('region', 'code_region'), ('france', "'FR'")] %}
reference_{{ niveau }} as (
    select r.niveau, r.code_territoire, r.code_indicateur, r.annee,
        ref.valeur as valeur_{{ niveau }}, ref.annee as annee_reference_{{ niveau }}
    from retenues as r
    inner join references_ as ref
        on ref.niveau = '{{ niveau }}' and ref.code_territoire = {{ 'r.' ~ cle if cle != "'FR'" else cle }}
        and ref.code_indicateur = r.code_indicateur
    -- a count (unit 'nombre') has no meaningful reference value
    where r.unite <> 'nombre'
    qualify row_number() over (
        partition by r.niveau, r.code_territoire, r.code_indicateur, r.annee
        order by abs(ref.annee - r.annee), ref.annee desc
    ) = 1
),
{% endfor %}

final as (
    select
        r.niveau,
        r.code_territoire,
        r.code_indicateur,
        r.annee,
        round(r.valeur, 2) as valeur,
        r.numerateur,
        r.denominateur,
        r.secret,
        r.methode,
        round(r.couverture, 4) as couverture,
        r.code_departement,
        r.code_region,
        round(d.valeur_departement, 2) as valeur_departement,
        d.annee_reference_departement,
        round(g.valeur_region, 2) as valeur_region,
        g.annee_reference_region,
        round(f.valeur_france, 2) as valeur_france,
        f.annee_reference_france,
        round(r.valeur - d.valeur_departement, 2) as ecart_departement,
        round(r.valeur - g.valeur_region, 2) as ecart_region,
        round(r.valeur - f.valeur_france, 2) as ecart_france
    from retenues as r
    left join reference_departement as d using (niveau, code_territoire, code_indicateur, annee)
    left join reference_region as g using (niveau, code_territoire, code_indicateur, annee)
    left join reference_france as f using (niveau, code_territoire, code_indicateur, annee)
)

select * from final
