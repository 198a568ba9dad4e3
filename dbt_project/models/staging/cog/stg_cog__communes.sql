-- Every entity of the COG 2026 file: communes actuelles, déléguées, associées and arrondissements municipaux.
{{ select_typed(source('raw', 'cog_communes')) }}
