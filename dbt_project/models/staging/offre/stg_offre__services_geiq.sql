-- Services of the raw table raw.offre_services__geiq (liste des GEIQ); empty when the source has none.
{{ offre_staging_services('geiq') }}
