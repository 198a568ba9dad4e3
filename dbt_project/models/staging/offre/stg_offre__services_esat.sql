-- Services of the raw table raw.offre_services__esat (extrait FINESS des ESAT); empty when the source has none.
{{ offre_staging_services('esat') }}
