"""Raw assets of the geometry used by the offer side: commune and département outlines."""

from ingest.paresseux import lecteurs
from orchestration.assets._raw import RawSource, raw_asset

geo = lecteurs("ingest.geo")

__all__ = ["SOURCES", "ASSETS"]

GROUP = "raw_geo"

SOURCES: list[RawSource] = [
    RawSource("geo_communes", geo.read_geo_communes,
              "IGN/COG 2026: contours simplifiés des communes et point de référence (centroïde)", GROUP),
    RawSource("geo_departements", geo.read_geo_departements,
              "IGN/ANCT 2026: contours des départements (métropole et DROM)", GROUP),
]

ASSETS = [raw_asset(source) for source in SOURCES]
