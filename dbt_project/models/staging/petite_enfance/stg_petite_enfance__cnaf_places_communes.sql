-- CNAF places for children under 3 per commune (> 10,000 inhabitants) and year, commune codes of
-- the CNAF's vintage. EAJE = établissements d'accueil du jeune enfant (PSU-funded or not); the
-- formal offer adds pre-schooling, childminders and home carers.
{{ select_typed(source('raw', 'cnaf_places_petite_enfance_communes')) }}
