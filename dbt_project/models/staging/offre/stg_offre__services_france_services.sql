-- Services of the raw table raw.offre_services__france_services (liste ANCT des France services); empty when the source has none.
{{ offre_staging_services('france_services') }}
