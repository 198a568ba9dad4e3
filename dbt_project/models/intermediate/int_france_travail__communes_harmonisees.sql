-- Job seekers (early 2025) summed to COG 2026 communes.
with brut as (
    select * from {{ ref('stg_france_travail__demandeurs_emploi_communes') }}
),

-- Paris, Lyon and Marseille are listed both as communes and as arrondissements
source as (
    {{ sans_arrondissements_en_double('brut', 'code_commune_source') }}
)

{% call vers_communes_2026('source') %}
    {{ somme_complete('s.demandeurs_emploi') }} as demandeurs_emploi,
    bool_or(s.demandeurs_emploi_secret) as demandeurs_emploi_secret
{% endcall %}
