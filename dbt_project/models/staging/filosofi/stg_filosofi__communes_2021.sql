-- Filosofi 2021 by commune, COG 2023 codes (not yet harmonised to COG 2026).
{{ select_typed(source('raw', 'filosofi_communes_2021')) }}
