-- Structures of the raw table raw.offre_structures__di_export (export data·inclusion (format aplati du GIP, ex. La Réunion 2025)), in the catalogue's shape.
{{ offre_staging_structures('di_export') }}
