-- Structures of the raw table raw.offre_structures__esat (extrait FINESS des ESAT), in the catalogue's shape.
{{ offre_staging_structures('esat') }}
