{{ select_typed(source('raw', 'qpv_revenus_2015')) }}
