-- Filosofi 2021 (COG 2023) brought to COG 2026. Counts are summed over the old communes of a
-- 2026 commune; rates, medians and deciles are only kept when exactly one old commune maps to it.
-- The poverty rate of a merged commune is recomputed from poor persons (rate × persons) when
-- every old commune has a published rate, else left NULL with its secrecy flag.
with brut as (
    select * from {{ ref('stg_filosofi__communes_2021') }}
),

-- Paris, Lyon and Marseille are published both as communes and as arrondissements
source as (
    {{ sans_arrondissements_en_double('brut', 'code_commune_source') }}
),

harmonisees as (
    {% call vers_communes_2026('source') %}
        {{ somme_complete('s.nb_menages_fiscaux') }} as nb_menages_fiscaux,
        {{ somme_complete('s.nb_personnes_menages_fiscaux') }} as nb_personnes_menages_fiscaux,
        bool_or(s.nb_menages_fiscaux_secret) as nb_menages_fiscaux_secret,
        case when bool_and(s.taux_pauvrete is not null and s.nb_personnes_menages_fiscaux is not null)
            then sum(s.taux_pauvrete * s.nb_personnes_menages_fiscaux / 100) end as personnes_pauvres,
        bool_or(s.taux_pauvrete_secret) as taux_pauvrete_secret,
        any_value(s.taux_pauvrete) as taux_pauvrete_unique
        {%- for mesure in filosofi_mesures_publiees() %},
        any_value(s.{{ mesure }}) as {{ mesure }}_unique,
        bool_or(s.{{ mesure }}_secret) as {{ mesure }}_secret
        {%- endfor %}
    {% endcall %}
),

final as (
    select
        code_commune,
        nb_communes_source,
        nb_menages_fiscaux,
        nb_menages_fiscaux_secret,
        nb_personnes_menages_fiscaux,
        case
            when nb_communes_source = 1 then taux_pauvrete_unique
            when personnes_pauvres is not null and nb_personnes_menages_fiscaux > 0
                then round(100 * personnes_pauvres / nb_personnes_menages_fiscaux, 1)
        end as taux_pauvrete,
        case when nb_communes_source = 1 then 'publie' else 'recalcule' end as taux_pauvrete_methode,
        personnes_pauvres,
        taux_pauvrete_secret
        {#- medians and deciles are published for one source commune only: none for a merged commune #}
        {%- for mesure in filosofi_mesures_publiees() %},
        case when nb_communes_source = 1 then {{ mesure }}_unique end as {{ mesure }},
        {{ mesure }}_secret
        {%- endfor %}
    from harmonisees
)

select * from final
