-- Every entity of the COG 2026 file: communes actuelles, déléguées, associées and arrondissements municipaux.
with source as (
    select * from {{ source('raw', 'cog_communes') }}
),

renamed as (
    select
        cast(code_insee as varchar) as code_commune,
        nom as libelle,
        type as type_commune,
        cast(dep as varchar) as code_departement,
        cast(reg as varchar) as code_region,
        zone,
        cast(arrondissement as varchar) as code_arrondissement,
        cast(siren as varchar) as siren,
        cast(epci_siren as varchar) as code_epci,
        epci_nom as libelle_epci,
        cast(ept_siren as varchar) as code_ept,
        ept_nom as libelle_ept,
        cast(population_municipale as bigint) as population_municipale,
        codes_postaux,
        cast(chef_lieu as varchar) as code_chef_lieu,
        cast(commune_parente as varchar) as code_commune_parente,
        case
            when nullif(trim(anciens_codes), '') is null then []::varchar[]
            else string_split(anciens_codes, '|')
        end as anciens_codes
    from source
),

final as (
    select * from renamed
)

select * from final
