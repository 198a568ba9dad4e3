-- Structures of the raw table raw.offre_structures__missions_locales (missions locales), in the catalogue's shape.
{{ offre_staging_structures('missions_locales') }}
