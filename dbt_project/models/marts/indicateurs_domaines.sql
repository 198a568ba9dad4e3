-- Every indicator × domain pair of the need index: the indicator's own domain (catalogue) and the
-- further domains whose public it also measures (seed indicateurs_domaines_complementaires, with
-- the reason). A pair may not repeat the catalogue's own domain (test).
with catalogue as (
    select * from {{ ref('indicateurs_catalogue') }}
),

complementaires as (
    select * from {{ ref('indicateurs_domaines_complementaires') }}
),

final as (
    select code_indicateur, code_axe, code_domaine, 'principal' as rattachement,
        null::varchar as raison
    from catalogue
    where code_domaine is not null

    union all

    select code_indicateur, code_axe, code_domaine, 'complementaire', raison
    from complementaires
)

select * from final
