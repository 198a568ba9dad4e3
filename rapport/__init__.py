"""Étape 3 deliverables: the diagnostic report, the committee kit and the exports.

Modules
-------
donnees       reading the marts of one département (fails clearly when a mart is missing)
cartes        offline SVG choropleth maps of the communes, from the GeoJSON of the snapshot
rendu         HTML rendering (jinja2, autoescape) of the report and the committee sheets, PDF via Chromium
exports       Excel workbook and Parquet exports of every mart
dictionnaire  the static data dictionary of the marts (from dbt's manifest and catalog)
navigateur    an offline headless Chromium for the captures and the page tests (DevTools session)

The weights of the priorities are in :mod:`socle.ponderations` (below every package).
"""

__all__ = ["donnees", "cartes", "rendu", "exports", "dictionnaire", "navigateur"]
