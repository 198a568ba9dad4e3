-- CAF recipients (IRIS 2020) summed to COG 2026 communes, measure by measure. A commune gets a
-- value only when no IRIS of it is secret for that measure and every commune that made it up
-- since 2020 is present in the file (communes not split into IRIS are absent from the source:
-- a 2026 commune merging a split and an unsplit commune is therefore left without value).
{%- set mesures = ['allocataires', 'allocataires_monoparents', 'enfants_moins_3_ans', 'allocataires_aide_logement',
    'allocataires_aah', 'allocataires_prime_activite', 'allocataires_rsa'] %}

with iris as (
    select * from {{ ref('stg_caf__iris_2020') }}
),

correspondance as (
    select * from {{ ref('int_communes__correspondance') }}
),

-- communes that existed on 1 January 2020 or later: COG 2023 communes and those absorbed since
composantes_depuis_2020 as (
    select code_commune as code_commune_source from {{ ref('stg_cog__communes_2023') }} where type_commune = 'COM'
    union
    select code_avant from {{ ref('stg_cog__mouvements') }}
    where date_effet > date '2020-01-01' and type_avant = 'COM' and code_evenement in (31, 32, 33, 34)
),

-- arrondissements municipaux (Paris, Lyon, Marseille) stand for their commune
presentes as (
    select distinct coalesce(arm.code_commune_parente, i.code_commune_source) as code_commune_source
    from iris as i
    left join {{ ref('stg_cog__communes_2023') }} as arm
        on arm.code_commune = i.code_commune_source and arm.type_commune = 'ARM'
),

completude as (
    select
        co.code_commune,
        bool_and(p.code_commune_source is not null) as complete
    from composantes_depuis_2020 as c
    inner join correspondance as co on co.code_commune_source = c.code_commune_source
    left join presentes as p on p.code_commune_source = c.code_commune_source
    group by co.code_commune
),

sommes as (
    {% call vers_communes_2026('iris') %}
        count(distinct s.code_iris) as nb_iris,
        {% for mesure in mesures %}
        {{ somme_complete('s.' ~ mesure) }} as {{ mesure }}_somme,
        bool_or(s.{{ mesure }}_secret or s.{{ mesure }} is null) as {{ mesure }}_secret{{ ',' if not loop.last }}
        {% endfor %}
    {% endcall %}
),

final as (
    select
        s.code_commune,
        s.nb_iris,
        coalesce(c.complete, false) as complete,
        {% for mesure in mesures %}
        case when coalesce(c.complete, false) then s.{{ mesure }}_somme end as {{ mesure }},
        s.{{ mesure }}_secret{{ ',' if not loop.last }}
        {% endfor %}
    from sommes as s
    left join completude as c on c.code_commune = s.code_commune
)

select * from final
