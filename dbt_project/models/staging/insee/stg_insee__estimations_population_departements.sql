-- Population estimates on 1 January, both sexes only (sexe = 'ensemble').
{{ select_typed(source('raw', 'estimations_population_departements'), where="lower(sexe) = 'ensemble'") }}
