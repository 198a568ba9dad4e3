with source as (
    select * from {{ source('raw', 'qpv_revenus_2015') }}
),

renamed as (
    select
        cast(codgeo as varchar) as code_qpv_2015,
        libgeo as libelle_qpv,
        cast(tp60 as double) as taux_pauvrete,
        cast(disp_q2 as double) as mediane_niveau_vie,
        cast(a as double) as allocataires,
        cast(appa as double) as allocataires_prime_activite,
        cast(arsas as double) as allocataires_rsa,
        cast(aaah as double) as allocataires_aah,
        {{ est_secret('tp60') }} as taux_pauvrete_secret
    from source
),

final as (
    select * from renamed
)

select * from final
