-- Services of the raw table raw.offre_services__mediation_numerique (lieux de médiation numérique); empty when the source has none.
{{ offre_staging_services('mediation_numerique') }}
