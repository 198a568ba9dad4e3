{{ select_typed(source('raw', 'qpv_insertion_2015')) }}
