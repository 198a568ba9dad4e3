-- Structures of the raw table raw.offre_structures__fabriques_territoire (Fabriques de territoire (ANCT)), in the catalogue's shape.
{{ offre_staging_structures('fabriques_territoire') }}
