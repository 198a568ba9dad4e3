-- Structures of the raw table raw.offre_structures__geiq (liste des GEIQ), in the catalogue's shape.
{{ offre_staging_structures('geiq') }}
