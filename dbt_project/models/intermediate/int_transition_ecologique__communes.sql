-- Households without a car and energy-poor diagnosed dwellings (DPE F or G) for the 411 communes
-- of the Nord and the Pas-de-Calais of the third-party tables, on COG 2026 communes, with counts
-- that can be summed above the commune:
--   passoires F + G = published share × diagnosed dwellings (dpe_n, a count of the source);
--   households without a car = published share × households of the census 2021 (the source gives
--   no household count; the share is of its own, probably 2022, census households).
-- A share is kept as published when one source commune makes the 2026 commune; a 2026 commune made
-- of several is recomputed from the counts (DPE) or left without value (cars: households of each
-- old commune unknown).
with voiture as (
    {% call vers_communes_2026(ref('stg_transition_ecologique__menages_sans_voiture')) %}
        any_value(s.part_menages_sans_voiture) as part_menages_sans_voiture
    {% endcall %}
),

dpe as (
    {% call vers_communes_2026(ref('stg_transition_ecologique__dpe'), ['logements_diagnostiques']) %}
        any_value(s.part_passoires_f_g) as part_passoires_unique,
        sum(s.part_passoires_f_g * s.logements_diagnostiques / 100) as logements_passoires
    {% endcall %}
),

final as (
    select 'part_menages_sans_voiture' as code_indicateur, v.code_commune, v.part_menages_sans_voiture as valeur,
        v.part_menages_sans_voiture * r.nb_menages / 100 as numerateur, r.nb_menages as denominateur,
        'publie' as methode
    from voiture as v
    inner join {{ ref('int_rp__communes_harmonisees_2021') }} as r on r.code_commune = v.code_commune
    where v.nb_communes_source = 1 and r.nb_communes_source = 1

    union all

    select 'part_logements_passoires_energetiques', code_commune,
        case when nb_communes_source = 1 then part_passoires_unique
            else 100 * logements_passoires / nullif(logements_diagnostiques, 0) end,
        logements_passoires, logements_diagnostiques,
        case when nb_communes_source = 1 then 'publie' else 'recalcule' end
    from dpe
)

select * from final
