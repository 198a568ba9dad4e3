-- BPE 2018: number of equipments per commune (COG 2018; Paris, Lyon and Marseille by
-- arrondissement) and equipment type, all France.
with source as (
    select * from {{ source('raw', 'bpe_2018_equipements') }}
),

final as (
    select
        cast(code_commune_2018 as varchar) as code_commune_source,
        cast(code_departement as varchar) as code_departement_source,
        cast(type_equipement as varchar) as type_equipement,
        cast(nb_equipements as integer) as nb_equipements
    from source
)

select * from final
