-- Census 2021 (COG 2024) for every commune. Communes déléguées (COMD) repeat the figures of
-- their commune nouvelle and are left out; arrondissements (ARM) are kept, since Paris, Lyon and
-- Marseille have figures only there. Counts are whole numbers as published.
{{ select_typed(source('raw', 'rp_comparateur_2021'), where="commune_type in ('COM', 'ARM')") }}
