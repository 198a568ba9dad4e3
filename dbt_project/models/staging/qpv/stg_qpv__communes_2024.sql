with source as (
    select * from {{ source('raw', 'qpv_communes_2024') }}
),

renamed as (
    select
        cast(code_qp as varchar) as code_qpv,
        lib_qp as libelle_qpv,
        cast(insee_com as varchar) as code_commune_source,
        nom_commune as libelle_commune,
        cast(dep as varchar) as code_departement
    from source
),

final as (
    select * from renamed
)

select * from final
