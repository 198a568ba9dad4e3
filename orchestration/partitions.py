"""The Dagster partitions: one per département of the COG (codes in :mod:`socle.departements`)."""

from __future__ import annotations

from dagster import StaticPartitionsDefinition

from socle.departements import departements

__all__ = ["departement_partitions"]

departement_partitions = StaticPartitionsDefinition(sorted(departements()) or ["93"])
