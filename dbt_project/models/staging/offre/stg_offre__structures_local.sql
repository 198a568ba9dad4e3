-- Structures of the raw table raw.offre_structures__local (offre locale saisie par l'analyste (modèle CSV)), in the catalogue's shape.
{{ offre_staging_structures('local') }}
