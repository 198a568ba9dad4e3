-- Structures of the raw table raw.offre_structures__aide_alimentaire (carte des Banques Alimentaires : épiceries et banques alimentaires), in the catalogue's shape.
{{ offre_staging_structures('aide_alimentaire') }}
