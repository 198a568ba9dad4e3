-- Filosofi 2014-2019 series by département and France métropolitaine (code '1' → 'FR').
with source as (
    select * from {{ source('raw', 'filosofi_revenus_series') }}
),

renamed as (
    select
        cast(annee as integer) as annee,
        niveau,
        case when niveau = 'france' then 'FR' else cast(codgeo as varchar) end as code_territoire,
        libgeo as libelle,
        cast(nbmen as double) as nb_menages,
        cast(nbpers as double) as nb_personnes,
        cast(q2 as double) as mediane_niveau_vie,
        cast(d1 as double) as decile_1,
        cast(d9 as double) as decile_9,
        cast(rd as double) as rapport_interdecile,
        cast(gi as double) as indice_gini
    from source
),

final as (
    select * from renamed
)

select * from final
