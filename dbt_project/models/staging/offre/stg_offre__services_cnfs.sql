-- Services of the raw table raw.offre_services__cnfs (structures accueillant des conseillers numériques France Services); empty when the source has none.
{{ offre_staging_services('cnfs') }}
