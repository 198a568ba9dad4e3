{{ select_typed(source('raw', 'qpv_communes_2024')) }}
