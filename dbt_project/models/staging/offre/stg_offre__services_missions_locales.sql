-- Services of the raw table raw.offre_services__missions_locales (missions locales); empty when the source has none.
{{ offre_staging_services('missions_locales') }}
