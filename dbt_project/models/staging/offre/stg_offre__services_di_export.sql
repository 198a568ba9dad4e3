-- Services of the raw table raw.offre_services__di_export (export data·inclusion (format aplati du GIP, ex. La Réunion 2025)); empty when the source has none.
{{ offre_staging_services('di_export') }}
