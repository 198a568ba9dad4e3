{{ select_typed(source('raw', 'ft_bassins_emploi_communes')) }}
