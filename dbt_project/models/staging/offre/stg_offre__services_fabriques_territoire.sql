-- Services of the raw table raw.offre_services__fabriques_territoire (Fabriques de territoire (ANCT)); empty when the source has none.
{{ offre_staging_services('fabriques_territoire') }}
