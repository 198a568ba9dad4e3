-- Services of the raw table raw.offre_services__siae_geocodees; empty when the source has none.
{{ offre_staging_services('siae_geocodees') }}
