-- Services of the raw table raw.offre_services__siae (liste des structures de l'insertion par l'activité économique (ASP / le marché de l'inclusion)); empty when the source has none.
{{ offre_staging_services('siae') }}
