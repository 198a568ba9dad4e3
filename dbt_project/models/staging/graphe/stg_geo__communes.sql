-- Outline of each commune (COG 2026), for the graph's point-in-commune lookups.
select code_insee, dep, geometrie_wkt
from {{ source('raw', 'geo_communes') }}
