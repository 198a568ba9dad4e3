"""The départements of the COG 2026 in the snapshot: their codes, names and validation.

The Dagster partitions are built from them in :mod:`orchestration.partitions`; the commands that
run without Dagster (``python -m rapport``, ``python -m ingest.documents``) validate here.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from socle.settings import load_settings

__all__ = ["DEPARTEMENT_CODE", "UnknownDepartement", "departements", "validate_departement"]

#: A syntactically valid département code (COG): 01-95 with 2A/2B, 971-978, 984-989.
#: "20" (Corse before 1976) is no longer a département: Corsica is 2A / 2B.
DEPARTEMENT_CODE = re.compile(r"^(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-8]|98[4-9])$")


class UnknownDepartement(ValueError):
    """A code that is not a département of the COG."""


@lru_cache(maxsize=1)
def departements() -> dict[str, str]:
    """Code → name of every département of the COG 2026 file (101 + COM).

    Falls back to the list of syntactically valid codes only when the snapshot is absent,
    so that the definitions still load (the build then fails on its missing sources).
    """
    path = load_settings().data_dir / "cog" / "departements_2026.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {
            row["dep"].strip(): row["nom"].strip()
            for row in csv.DictReader(handle)
            if DEPARTEMENT_CODE.match(row["dep"].strip())
        }


def validate_departement(code: str) -> str:
    """Return the canonical code or raise :class:`UnknownDepartement` with a clear message.

    Examples
    --------
    >>> validate_departement("93") if departements() else "93"
    '93'
    """
    canonical = (code or "").strip().upper()
    if canonical.isdigit() and len(canonical) == 1:
        canonical = "0" + canonical
    known = departements()
    if not known:
        raise UnknownDepartement(
            f"cannot check département {code!r}: the COG file is missing from PACTE_DATA_DIR "
            f"({load_settings().data_dir})"
        )
    if canonical not in known:
        raise UnknownDepartement(
            f"unknown département code {code!r}: expected one of the {len(known)} codes of the "
            f"COG 2026 (01-95, 2A, 2B, 971-976, 975-989), e.g. 93, 2A, 974"
        )
    return canonical
