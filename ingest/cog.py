"""Readers for the Code officiel géographique (INSEE) and the EPCI lists (DGCL).

Files (PROVENANCE.md §1): ``cog/communes_2026.csv``, ``departements_2026.csv``,
``regions_2026.csv``, ``epci_2026.csv``, ``epci_membres_2026.csv`` (COG 2026, comma
separated) and the INSEE originals ``v_commune_2023.csv.gz`` and
``v_mvtcommune_2023.csv.gz`` (COG 2023, used to map older codes to 2026).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from ingest.core import ColumnSpec as C
from ingest.core import FileSpec, csv_reader

__all__ = [
    "COG_VINTAGE",
    "read_communes",
    "read_departements",
    "read_regions",
    "read_epci",
    "read_epci_membres",
    "read_communes_2023",
    "read_mouvements",
    "known_communes",
]

COG_VINTAGE = "COG 2026"
SIREN = r"\d{9}"
_REGION = C("reg", kind="code", pattern=r"\d{2,3}", required=True)
# The columns the département and région files share after their codes and names.
_CHEF_LIEU = (C("chef_lieu", kind="commune"), C("zone"), C("type_liaison"))


def _cog_2026(table: str, *columns: C) -> FileSpec:
    """A file of the COG 2026 extract: comma-separated, one vintage."""
    return FileSpec(table=table, vintage=COG_VINTAGE, sep=",", columns=list(columns))


COMMUNES = _cog_2026(
    "cog_communes",
    C("code_insee", kind="commune", required=True),
    C("nom", required=True),
    C("type", required=True),
    C("dep", kind="departement", required=True),
    _REGION,
    C("zone"),
    C("arrondissement"),
    C("siren", kind="code", pattern=SIREN),
    C("epci_siren", kind="code", pattern=SIREN),
    C("epci_nom"),
    C("ept_siren", kind="code", pattern=SIREN),
    C("ept_nom"),
    C("population_municipale", kind="integer"),
    C("codes_postaux"),
    C("chef_lieu", kind="commune"),
    C("commune_parente", kind="commune"),
    C("anciens_codes"),
)

DEPARTEMENTS = _cog_2026(
    "cog_departements",
    C("dep", kind="departement", required=True),
    C("nom", required=True),
    _REGION,
    *_CHEF_LIEU,
)

REGIONS = _cog_2026(
    "cog_regions",
    _REGION,
    C("nom", required=True),
    *_CHEF_LIEU,
)

EPCI = _cog_2026(
    "cog_epci",
    C("epci_siren", kind="code", pattern=SIREN, required=True),
    C("nom", required=True),
    C("type", required=True),
    C("mode_financement"),
    C("population_totale", kind="integer"),
    C("population_municipale", kind="integer"),
    C("nb_communes", kind="integer"),
)

EPCI_MEMBRES = _cog_2026(
    "cog_epci_membres",
    C("epci_siren", kind="code", pattern=SIREN, required=True),
    C("epci_type", required=True),
    C("code_insee", kind="commune", required=True),
    C("commune_siren", kind="code", pattern=SIREN),
    C("commune_nom"),
    C("population_totale", kind="integer"),
    C("population_municipale", kind="integer"),
)

def _cog_2023(table: str, *columns: C) -> FileSpec:
    """A file of the COG 2023 (INSEE's own, upper-case headers): comma-separated."""
    return FileSpec(table=table, vintage="COG 2023", sep=",", columns=list(columns))


def _commune_2023(suffixe: str, required: bool) -> list[C]:
    """The columns naming a commune in the COG 2023; ``_AV`` / ``_AP``: before / after a change."""
    cible = suffixe.lower()
    return [
        C(f"TYPECOM{suffixe}", f"typecom{cible}", required=required),
        C(f"COM{suffixe}", f"com{cible}", kind="commune", required=required),
    ]


def _noms_2023(suffixe: str) -> list[C]:
    """The name columns of a commune in the COG 2023 (article type, upper-case, rich, label)."""
    return [C(f"{nom}{suffixe}", f"{nom.lower()}{suffixe.lower()}") for nom in ("TNCC", "NCC", "NCCENR")]


COMMUNES_2023 = _cog_2023(
    "cog_communes_2023",
    *_commune_2023("", True),
    C("REG", "reg"),
    C("DEP", "dep"),
    C("CTCD", "ctcd"),
    C("ARR", "arr"),
    *_noms_2023(""),
    C("LIBELLE", "libelle", required=True),
    C("CAN", "can"),
    C("COMPARENT", "comparent", kind="commune"),
)

MOUVEMENTS = _cog_2023(
    "cog_mouvements",
    C("MOD", "mod", kind="integer", required=True),
    C("DATE_EFF", "date_eff", kind="code", pattern=r"\d{4}-\d{2}-\d{2}", required=True),
    *_commune_2023("_AV", False),
    *_noms_2023("_AV"),
    C("LIBELLE_AV", "libelle_av"),
    *_commune_2023("_AP", True),
    *_noms_2023("_AP"),
    C("LIBELLE_AP", "libelle_ap"),
)


# COG 2026 entities (communes actuelles, déléguées, associées, arrondissements).
read_communes = csv_reader("cog/communes_2026.csv", COMMUNES)
# COG 2026 départements.
read_departements = csv_reader("cog/departements_2026.csv", DEPARTEMENTS)
# COG 2026 régions.
read_regions = csv_reader("cog/regions_2026.csv", REGIONS)
# DGCL 2026 EPCI and EPT.
read_epci = csv_reader("cog/epci_2026.csv", EPCI)
# DGCL 2026 member communes of each EPCI and EPT.
read_epci_membres = csv_reader("cog/epci_membres_2026.csv", EPCI_MEMBRES)
# COG 2023 communes (the geography of Filosofi 2021).
read_communes_2023 = csv_reader("cog/v_commune_2023.csv.gz", COMMUNES_2023)
# COG commune changes (mergers, splits) up to 2023.
read_mouvements = csv_reader("cog/v_mvtcommune_2023.csv.gz", MOUVEMENTS)


def _communes_file(data_dir: Path) -> Path:
    return Path(data_dir) / "cog" / "communes_2026.csv"


@lru_cache(maxsize=4)
def _known_communes(path: str, stamp: tuple[int, int]) -> frozenset[str]:
    codes: set[str] = set()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            codes.add(row["code_insee"].strip())
            codes.update(c.strip() for c in (row.get("anciens_codes") or "").split("|") if c.strip())
    return frozenset(codes)


def known_communes(data_dir: Path) -> frozenset[str]:
    """Every commune code of the COG 2026 file: current, delegated and associated communes,
    municipal arrondissements and the former codes they list (a well-formed code outside this
    set, such as 93999, names no commune). Raises ``FileNotFoundError`` when the file is absent.

    Examples
    --------
    >>> from socle.settings import load_settings
    >>> codes = known_communes(load_settings().data_dir)
    >>> "93066" in codes, "75101" in codes, "93999" in codes
    (True, True, False)
    """
    path = _communes_file(data_dir)
    stat = path.stat()
    return _known_communes(str(path), (stat.st_size, stat.st_mtime_ns))
