-- Structures of the raw table raw.offre_structures__siae_geocodees (SIAE et GEIQ géolocalisés du marché de l'inclusion), in the catalogue's shape.
{{ offre_staging_structures('siae_geocodees') }}
