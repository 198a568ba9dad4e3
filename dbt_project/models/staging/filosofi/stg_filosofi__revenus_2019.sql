-- Filosofi 2019 (COG 2021): niveau = epci | departement | region | france (France métropolitaine, code '1').
{{ select_typed(source('raw', 'filosofi_revenus_2019')) }}
