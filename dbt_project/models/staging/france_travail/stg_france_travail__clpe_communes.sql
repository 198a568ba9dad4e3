{{ select_typed(source('raw', 'ft_clpe_communes')) }}
