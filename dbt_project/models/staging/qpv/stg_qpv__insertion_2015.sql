with source as (
    select * from {{ source('raw', 'qpv_insertion_2015') }}
),

renamed as (
    select
        cast(codgeo as varchar) as code_qpv_2015,
        libgeo as libelle_qpv,
        cast(tx_tot_empl as double) as taux_emploi,
        cast(abc as double) as demandeurs_emploi_abc,
        cast(abc_rsa as double) as demandeurs_emploi_abc_rsa
    from source
),

final as (
    select * from renamed
)

select * from final
