-- Published poverty rates of the départements (Filosofi 2021). Intensity is published as a
-- fraction (0,204) and turned into a percentage here.
{{ select_typed(source('raw', 'filosofi_pauvrete_departements_2021')) }}
