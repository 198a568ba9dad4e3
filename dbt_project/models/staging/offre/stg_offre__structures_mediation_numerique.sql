-- Structures of the raw table raw.offre_structures__mediation_numerique (lieux de médiation numérique), in the catalogue's shape.
{{ offre_staging_structures('mediation_numerique') }}
