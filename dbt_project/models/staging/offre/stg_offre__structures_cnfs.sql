-- Structures of the raw table raw.offre_structures__cnfs (structures accueillant des conseillers numériques France Services), in the catalogue's shape.
{{ offre_staging_structures('cnfs') }}
