-- Census 2021 counts (COG 2024) summed to COG 2026 communes. Arrondissements municipaux map to
-- their commune (Paris, Lyon and Marseille have figures only there); communes merged since 2024
-- are summed into the commune that absorbed them. Counts only: rates are recomputed from them.
{{ vers_communes_2026(ref('stg_rp__comparateur_2021'), [
    'population', 'nb_menages', 'naissances_2022', 'population_15_64', 'chomeurs_15_64', 'actifs_15_64',
]) }}
