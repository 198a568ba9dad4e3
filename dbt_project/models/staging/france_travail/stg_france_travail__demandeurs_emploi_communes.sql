-- Job seekers per commune (category and reference date undocumented; early 2025, rounded to 5).
with source as (
    select * from {{ source('raw', 'ft_demandeurs_emploi_communes') }}
),

renamed as (
    select
        cast(code_insee as varchar) as code_commune_source,
        nom_commune as libelle_commune,
        cast(nb_demandeurs_emploi as double) as demandeurs_emploi,
        {{ est_secret('nb_demandeurs_emploi') }} as demandeurs_emploi_secret
    from source
),

final as (
    select * from renamed
)

select * from final
