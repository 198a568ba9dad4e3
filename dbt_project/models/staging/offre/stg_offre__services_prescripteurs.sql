-- Services of the raw table raw.offre_services__prescripteurs; empty when the source has none.
{{ offre_staging_services('prescripteurs') }}
