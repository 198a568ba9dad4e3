-- Mouvements de communes (COG 2023): one row per (event, commune before, commune after).
{{ select_typed(source('raw', 'cog_mouvements')) }}
