-- Filosofi 2019 (COG 2021): niveau = epci | departement | region | france (France métropolitaine, code '1').
with source as (
    select * from {{ source('raw', 'filosofi_revenus_2019') }}
),

renamed as (
    select
        niveau,
        case when niveau = 'france' then 'FR' else cast(codgeo as varchar) end as code_territoire,
        libgeo as libelle,
        2019 as annee,
        cast(nbmen19 as double) as nb_menages,
        cast(nbpers19 as double) as nb_personnes,
        cast(q219 as double) as mediane_niveau_vie,
        cast(d119 as double) as decile_1,
        cast(d919 as double) as decile_9,
        cast(rd as double) as rapport_interdecile,
        cast(gi19 as double) as indice_gini
    from source
),

final as (
    select * from renamed
)

select * from final
