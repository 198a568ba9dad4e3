-- CAF recipients by IRIS at 31/12/2020 (IRIS geography 2020). Empty cells are secret.
with source as (
    select * from {{ source('raw', 'caf_iris_2020') }}
),

renamed as (
    select
        cast(codgeo as varchar) as code_iris,
        cast(code_commune as varchar) as code_commune_source,
        cast(note as varchar) as note_qualite,
        cast(a as double) as allocataires,
        cast(percou as double) as personnes_couvertes,
        cast(am as double) as allocataires_monoparents,
        cast(enf_2 as double) as enfants_moins_3_ans,
        cast(aal as double) as allocataires_aide_logement,
        cast(aaah as double) as allocataires_aah,
        cast(appa as double) as allocataires_prime_activite,
        cast(arsas as double) as allocataires_rsa,
        {{ est_secret('a') }} as allocataires_secret,
        {{ est_secret('am') }} as allocataires_monoparents_secret,
        {{ est_secret('enf_2') }} as enfants_moins_3_ans_secret,
        {{ est_secret('aal') }} as allocataires_aide_logement_secret,
        {{ est_secret('aaah') }} as allocataires_aah_secret,
        {{ est_secret('appa') }} as allocataires_prime_activite_secret,
        {{ est_secret('arsas') }} as allocataires_rsa_secret
    from source
),

final as (
    select * from renamed
)

select * from final
