-- Structures of the raw table raw.offre_structures__france_services (liste ANCT des France services), in the catalogue's shape.
{{ offre_staging_structures('france_services') }}
