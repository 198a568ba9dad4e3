-- CNAF childcare coverage rates (places per 100 children under 3), December of each year, communes
-- over 10 000 inhabitants, commune codes of the CNAF vintage. Values unchanged.
{{ select_typed(source('raw', 'cnaf_taux_couverture_communes')) }}
