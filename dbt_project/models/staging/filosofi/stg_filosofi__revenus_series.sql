-- Filosofi 2014-2019 series by département and France métropolitaine (code '1' → 'FR').
{{ select_typed(source('raw', 'filosofi_revenus_series')) }}
