-- Structures of the raw table raw.offre_structures__siae (liste des structures de l'insertion par l'activité économique (ASP / le marché de l'inclusion)), in the catalogue's shape.
{{ offre_staging_structures('siae') }}
