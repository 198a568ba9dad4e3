-- Services of the raw table raw.offre_services__ft_agences (agences France Travail (ex-Pôle emploi)); empty when the source has none.
{{ offre_staging_services('ft_agences') }}
