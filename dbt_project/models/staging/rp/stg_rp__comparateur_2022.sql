-- Census 2022 (geography 2025) key counts. RP counts are weighted estimates (decimals kept).
{{ select_typed(source('raw', 'rp_comparateur_2022')) }}
