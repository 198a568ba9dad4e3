"""Raw assets of the need side (Étape 1): COG, Filosofi, census, CAF, QPV, France Travail, ANCT."""

from __future__ import annotations

from ingest import cog
from orchestration.assets._raw import RawSource, raw_asset

__all__ = ["SOURCES", "ASSETS"]

GROUP = "raw_besoins"

SOURCES: list[RawSource] = [
    RawSource("cog_communes", cog.read_communes, "COG 2026: communes, déléguées, associées, arrondissements", GROUP),
    RawSource("cog_departements", cog.read_departements, "COG 2026: départements", GROUP),
    RawSource("cog_regions", cog.read_regions, "COG 2026: régions", GROUP),
    RawSource("cog_epci", cog.read_epci, "DGCL 2026: EPCI à fiscalité propre and EPT", GROUP),
    RawSource("cog_epci_membres", cog.read_epci_membres, "DGCL 2026: member communes of each EPCI/EPT", GROUP),
    RawSource("cog_communes_2023", cog.read_communes_2023, "COG 2023 communes (geography of Filosofi 2021)", GROUP),
    RawSource("cog_mouvements", cog.read_mouvements, "COG 2023: mouvements de communes since 1943", GROUP),
]

ASSETS = [raw_asset(source) for source in SOURCES]
