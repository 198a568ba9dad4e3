{#- Names shown to people (issue 11): one place for the casing and the wording of a name, so that
    the report, the workbook and the network page print the same name.

    Sources often write names in capitals (« ESAT DES MUGUETS », « MISSION LOCALE »); those are
    put in title case with the French rules of the seed `vocabulaire_noms`: linking words in lower
    case except at the start (« de », « la », « d' »), acronyms kept in capitals (the seed's
    `sigle` rows, and any word without a vowel such as « PJJ »), « A » alone read as « à ».
    A name that already has lower-case letters is kept as the source wrote it. -#}

{#- `select cle, nom_propre` for every row of `relation` whose `colonne` is all in capitals. -#}
{% macro noms_propres(relation, cle, colonne) -%}
    with _noms_majuscules as (
        select {{ cle }} as cle, regexp_extract_all({{ colonne }}, '[^\s''’\-/().,&]+|[\s''’\-/().,&]+') as mots
        from {{ relation }}
        where {{ colonne }} is not null and {{ colonne }} = upper({{ colonne }})
            and regexp_matches({{ colonne }}, '\pL')
    ),
    _noms_mots as (
        select cle, unnest(mots) as mot, generate_subscripts(mots, 1) as rang from _noms_majuscules
    ),
    _noms_formes as (
        select
            m.cle,
            m.rang,
            case
                when not regexp_matches(m.mot, '\pL') then m.mot
                when v.nature in ('sigle', 'abreviation') then v.forme
                when v.nature = 'mot_de_liaison' and m.rang > 1 then v.forme
                when v.nature = 'mot_de_liaison' then upper(left(v.forme, 1)) || substr(v.forme, 2)
                when regexp_matches(m.mot, '[0-9]') then m.mot
                when length(m.mot) > 1 and not regexp_matches(m.mot, '[AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ]') then m.mot
                else upper(left(m.mot, 1)) || lower(substr(m.mot, 2))
            end as forme
        from _noms_mots as m
        left join {{ ref('vocabulaire_noms') }} as v on v.mot = lower(m.mot)
    )
    select cle, string_agg(forme, '' order by rang) as nom_propre
    from _noms_formes
    group by cle
{%- endmacro %}

{#- French « de » before a place name, with elision and contraction (« d'Aubervilliers »,
    « du Blanc-Mesnil », « des Lilas », « de La Courneuve »); same rule as graph.construction.de. -#}
{% macro de_lieu(expr) -%}
    case
        when {{ expr }} like 'Le %' then 'du ' || substr({{ expr }}, 4)
        when {{ expr }} like 'Les %' then 'des ' || substr({{ expr }}, 5)
        when lower(strip_accents(left({{ expr }}, 1))) in ('a', 'e', 'i', 'o', 'u', 'y', 'h') then 'd''' || {{ expr }}
        else 'de ' || {{ expr }}
    end
{%- endmacro %}
