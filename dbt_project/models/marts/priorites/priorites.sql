{{ config(tags=["apres_graphe"]) }}

{#-
  Priorities of Étape 3 (docs/domaine.md §6), per département, axis, domain and territory:

    score = facteur_besoin × facteur_ecart_offre × facteur_coordination × facteur_publics_prioritaires

  The weights come from config/priorites.yml, passed by the Dagster asset as the dbt var
  `priorites` (see socle/ponderations.py). Territories: the EPT of the département's communes
  where they have one, else their EPCI, plus the département itself. Départements: those whose
  coordination graph has been built (present in the graph's faiblesse_coordination table).
  Every domain of every axis is listed; a line without enough data is marked
  (donnees_suffisantes = false, raison) and gets neither score nor rank.
-#}
{%- set p = var('priorites', none) -%}
{%- if execute and p is none -%}
  {{ exceptions.raise_compiler_error(
      "marts.priorites needs the dbt var 'priorites' (the weights of config/priorites.yml); "
      ~ "build it through Dagster (pacte build) or pass --vars from socle.ponderations.dbt_vars_argument") }}
{%- endif -%}
{%- if p is none -%}
  {%- set p = {'besoin': {'exposant': 1, 'composantes_minimum': 1},
               'ecart_offre': {'exposant': 1, 'plancher_indice_offre': 10, 'minimum': 0.25, 'maximum': 4,
                               'si_absente': 'neutre'},
               'coordination': {'poids': 1, 'si_absente': 'neutre'},
               'publics_prioritaires': []} -%}
{%- endif -%}
{%- set publics = p['publics_prioritaires'] -%}

with departements_construits as (
    select distinct code_departement from {{ source('graphe', 'faiblesse_coordination') }}
),

communes as (
    select code_departement, code_epci, code_ept
    from {{ ref('territoires') }}
    where niveau = 'commune' and code_departement in (select code_departement from departements_construits)
),

perimetre as (
    select distinct
        code_departement,
        case when code_ept is not null then 'ept' else 'epci' end as niveau,
        coalesce(code_ept, code_epci) as code_territoire,
        'infra' as echelle
    from communes
    where coalesce(code_ept, code_epci) is not null
    union all
    select code_departement, 'departement' as niveau, code_departement as code_territoire,
        'departement' as echelle
    from departements_construits
),

territoires as (
    select
        perimetre.*,
        t.libelle as libelle_territoire,
        t.population
    from perimetre
    left join {{ ref('territoires') }} as t
        on t.niveau = perimetre.niveau and t.code_territoire = perimetre.code_territoire
),

domaines as (
    select code_axe, libelle_axe, code_domaine, libelle_domaine from {{ ref('axes_domaines') }}
),

besoins as (
    select niveau, code_territoire, code_domaine, indice_besoin, nb_composantes
    from {{ ref('besoins') }}
),

ecarts as (
    select niveau, code_territoire, code_domaine, indice_offre, ecart, typologie, zone_blanche
    from {{ ref('ecarts') }}
),

coordination as (
    select code_departement, niveau, code_territoire, code_domaine, max(score) as faiblesse_coordination
    from {{ source('graphe', 'faiblesse_coordination') }}
    group by all
),

{%- for pub in publics %}
public_{{ pub['code'] }} as (
    -- latest non-secret value of {{ pub['indicateur'] }} (a share in %, or a 0-1 ratio)
    select niveau, code_territoire,
        arg_max(valeur, annee) as valeur,
        max(annee) as annee
    from {{ ref('indicateurs') }}
    where code_indicateur = '{{ pub['indicateur'] }}' and valeur is not null and not coalesce(secret, false)
    group by all
),
{%- endfor %}

jointure as (
    select
        t.code_departement,
        d.code_axe,
        d.libelle_axe,
        d.code_domaine,
        d.libelle_domaine,
        t.niveau,
        t.code_territoire,
        t.libelle_territoire,
        t.echelle,
        t.population,
        b.indice_besoin,
        b.nb_composantes as nb_composantes_besoin,
        e.indice_offre,
        e.ecart as ecart_besoin_offre,
        e.typologie as typologie_ecart,
        e.zone_blanche,
        c.faiblesse_coordination
        {%- for pub in publics %},
        case when pu_{{ loop.index }}.valeur is null then null
             when pu_{{ loop.index }}.valeur > 1 then least(pu_{{ loop.index }}.valeur / 100.0, 1.0)
             else greatest(pu_{{ loop.index }}.valeur, 0.0) end as part_{{ loop.index }}
        {%- endfor %}
    from territoires as t
    cross join domaines as d
    left join besoins as b
        on b.niveau = t.niveau and b.code_territoire = t.code_territoire and b.code_domaine = d.code_domaine
    left join ecarts as e
        on e.niveau = t.niveau and e.code_territoire = t.code_territoire and e.code_domaine = d.code_domaine
    left join coordination as c
        on c.code_departement = t.code_departement and c.niveau = t.niveau
        and c.code_territoire = t.code_territoire and c.code_domaine = d.code_domaine
    {%- for pub in publics %}
    left join public_{{ pub['code'] }} as pu_{{ loop.index }}
        on pu_{{ loop.index }}.niveau = t.niveau and pu_{{ loop.index }}.code_territoire = t.code_territoire
    {%- endfor %}
),

facteurs as (
    select
        *,
        power(indice_besoin / 100.0, {{ p['besoin']['exposant'] }}) as facteur_besoin,
        -- offer not measured (no source covers the domain there): neutral factor 1, noted in
        -- remarques, when ecart_offre.si_absente is `neutre`; else the line is insufficient
        -- (greatest() skips NULLs: the unmeasured case must be tested first)
        case when indice_offre is null then 1.0
             else least(greatest(
                power(100.0 / greatest(indice_offre, {{ p['ecart_offre']['plancher_indice_offre'] }}),
                      {{ p['ecart_offre']['exposant'] }}),
                {{ p['ecart_offre']['minimum'] }}), {{ p['ecart_offre']['maximum'] }})
        end as facteur_ecart_offre,
        1 + {{ p['coordination']['poids'] }} * coalesce(faiblesse_coordination, 0) as facteur_coordination,
        1
        {%- for pub in publics %} + {{ pub['poids'] }} * coalesce(part_{{ loop.index }}, 0){% endfor %}
            as facteur_publics_prioritaires,
        {%- if publics %}
        json_object(
            {%- for pub in publics %}
            '{{ pub['code'] }}', part_{{ loop.index }}{{ ',' if not loop.last }}
            {%- endfor %}
        ) {%- else %} '{}' {%- endif %} as parts_publics_prioritaires,
        concat_ws(' ; ',
            case when indice_besoin is null then 'indice de besoin absent' end,
            case when indice_besoin is not null
                  and coalesce(nb_composantes_besoin, 0) < {{ p['besoin']['composantes_minimum'] }}
                 then 'indice de besoin calculé sur ' || coalesce(nb_composantes_besoin, 0)
                      || ' indicateur(s), minimum {{ p['besoin']['composantes_minimum'] }}' end,
            {%- if p['ecart_offre'].get('si_absente', 'insuffisant') == 'insuffisant' %}
            case when indice_offre is null then 'offre non mesurée' end,
            {%- endif %}
            null
            {%- if p['coordination']['si_absente'] == 'insuffisant' %},
            case when faiblesse_coordination is null then 'coordination non évaluée' end
            {%- endif %}
        ) as raison_brute,
        concat_ws(' ; ',
            {%- if p['ecart_offre'].get('si_absente', 'insuffisant') == 'neutre' %}
            case when indice_offre is null
                 then 'offre non mesurée (aucune source ne la couvre ici) : facteur neutre (1)' end,
            {%- endif %}
            {%- if p['coordination']['si_absente'] == 'neutre' %}
            case when faiblesse_coordination is null
                 then 'coordination non évaluée : facteur neutre (1)' end,
            {%- endif %}
            {%- for pub in publics %}
            case when part_{{ loop.index }} is null
                 then '{{ pub['libelle'] | replace("'", "''") }} : indicateur {{ pub['indicateur'] }} absent, compté 0' end,
            {%- endfor %}
            null
        ) as remarques_brutes
    from jointure
),

scores as (
    select
        *,
        raison_brute = '' as donnees_suffisantes,
        case when raison_brute = ''
             then facteur_besoin * facteur_ecart_offre * facteur_coordination * facteur_publics_prioritaires
        end as score
    from facteurs
),

final as (
    select
        code_departement || '-' || niveau || '-' || code_territoire || '-' || code_domaine as id_priorite,
        code_departement,
        code_axe,
        libelle_axe,
        code_domaine,
        libelle_domaine,
        niveau,
        code_territoire,
        libelle_territoire,
        echelle,
        population,
        indice_besoin,
        nb_composantes_besoin,
        indice_offre,
        ecart_besoin_offre,
        typologie_ecart,
        zone_blanche,
        faiblesse_coordination,
        parts_publics_prioritaires,
        round(facteur_besoin, 6) as facteur_besoin,
        round(facteur_ecart_offre, 6) as facteur_ecart_offre,
        round(facteur_coordination, 6) as facteur_coordination,
        round(facteur_publics_prioritaires, 6) as facteur_publics_prioritaires,
        round(score, 6) as score,
        donnees_suffisantes,
        nullif(raison_brute, '') as raison,
        nullif(remarques_brutes, '') as remarques,
        case when donnees_suffisantes then row_number() over (
            partition by code_departement, code_axe, echelle, donnees_suffisantes
            order by score desc, code_domaine, code_territoire
        ) end as rang_axe
    from scores
)

select * from final

-- depends_on: {{ ref('indicateurs') }} (read in the loop over the priority publics)
