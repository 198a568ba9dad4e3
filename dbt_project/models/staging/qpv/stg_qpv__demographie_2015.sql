-- QPV of the 2015 list (codes QP + 3-character département + number). `libelle_communes` lists
-- the communes of the group the QPV belongs to; `population_qpv_groupe` / `population_communes_groupe`
-- are the QPV and total populations of that group of communes.
with renamed as (
    {{ select_typed(source('raw', 'qpv_demographie_2015')) }}
)

select
    *,
    case
        when substr(code_qpv_2015, 3, 2) = '02' then substr(code_qpv_2015, 4, 2)
        when substr(code_qpv_2015, 3, 2) = '97' then substr(code_qpv_2015, 3, 3)
        else substr(code_qpv_2015, 4, 2)
    end as code_departement
from renamed
