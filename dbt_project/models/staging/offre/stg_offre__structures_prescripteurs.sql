-- Structures of the raw table raw.offre_structures__prescripteurs (autres prescripteurs habilités: PJJ, SPIP, Cap emploi, Pôle emploi), in the catalogue's shape.
{{ offre_staging_structures('prescripteurs') }}
