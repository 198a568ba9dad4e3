-- EPCI à fiscalité propre (CC, CA, CU, METRO, MET69) and the 11 EPT of the Grand Paris.
{{ select_typed(source('raw', 'cog_epci')) }}
