-- Services of the raw table raw.offre_services__local (offre locale saisie par l'analyste (modèle CSV)); empty when the source has none.
{{ offre_staging_services('local') }}
