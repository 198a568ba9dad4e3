"""Étape 3 deliverables: priority weights, the diagnostic report, the committee kit and the exports.

Modules
-------
ponderations  the weights configuration (``config/priorites.yml``), validated and turned into dbt vars
donnees       reading the marts of one département (fails clearly when a mart is missing)
cartes        offline SVG choropleth maps of the communes, from the GeoJSON of the snapshot
rendu         HTML rendering (jinja2, autoescape) of the report and the committee sheets, PDF via Chromium
exports       Excel workbook and Parquet exports of every mart
dictionnaire  the static data dictionary of the marts (from dbt's manifest and catalog)
"""

__all__ = ["ponderations", "donnees", "cartes", "rendu", "exports", "dictionnaire"]
