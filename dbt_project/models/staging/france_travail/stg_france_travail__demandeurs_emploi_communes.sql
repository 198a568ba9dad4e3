-- Job seekers per commune (category and reference date undocumented; early 2025, rounded to 5).
{{ select_typed(source('raw', 'ft_demandeurs_emploi_communes')) }}
