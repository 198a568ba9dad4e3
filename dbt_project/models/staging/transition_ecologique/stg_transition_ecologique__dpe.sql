-- Energy labels of the diagnosed dwellings (ADEME « DPE logements existants » since 2021), 411
-- communes of the Nord and the Pas-de-Calais, derived by a third party. Shares are of the diagnosed
-- dwellings, not of the whole stock; `logements_diagnostiques` is their number.
{{ select_typed(source('raw', 'te_dpe_59_62')) }}
