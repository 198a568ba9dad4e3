"""Territory gazetteer of one département: its communes, EPCI/EPT, QPV, itself and its région.

Names come from the raw tables of the warehouse (``raw.cog_communes``, ``raw.cog_epci``,
``raw.cog_departements``, ``raw.cog_regions``, ``raw.qpv_communes_2024``) when they are
loaded, otherwise from the snapshot files through the same readers. Each name gets a few
aliases (``Saint``/``St``, article-less hyphenated names, expanded EPCI legal forms).
Names are matched with their case and hyphen-aware boundaries, so that *Saint-Denis* is
not found inside *Seine-Saint-Denis*.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from ingest import cog, qpv
from ingest.documents.lexiques import Entry
from ingest.documents.texte import fold_key

__all__ = ["territory_entries", "commune_aliases", "epci_aliases", "niveaux", "HORS_DEPARTEMENT"]

HORS_DEPARTEMENT = "hors_departement"

# QPV names too generic to be told apart from ordinary words in a text
_GENERIC_QPV = {
    "centre ville",
    "centre-ville",
    "centre elargi",
    "quartier politique de la ville",
    "grand centre",
    "cordon",
    "plaine",
    "village",
}
_EPCI_FORMS = {
    "CA": "Communauté d'agglomération",
    "CC": "Communauté de communes",
    "CU": "Communauté urbaine",
}


def commune_aliases(name: str) -> list[str]:
    """Aliases of a commune name.

    Examples
    --------
    >>> commune_aliases("Le Blanc-Mesnil")
    ['Le Blanc-Mesnil', 'Blanc-Mesnil']
    >>> commune_aliases("Saint-Ouen-sur-Seine")
    ['Saint-Ouen-sur-Seine', 'St-Ouen-sur-Seine']
    """
    name = name.strip()
    aliases = [name]
    if re.search(r"\bSaint(e?)-", name):
        aliases.append(re.sub(r"\bSaint(e?)-", lambda m: "St" + m.group(1) + "-", name))
    stripped = re.sub(r"^(?:Le|La|Les)\s+|^L'", "", name)
    if stripped != name and "-" in stripped and len(stripped) >= 6:
        aliases.append(stripped)
    return [a for a in dict.fromkeys(aliases) if len(a) >= 3]


def epci_aliases(name: str, kind: str) -> list[str]:
    """Aliases of an EPCI/EPT name (legal form expanded, bare name when distinctive).

    Examples
    --------
    >>> epci_aliases("CA Plaine Vallée", "CA")
    ['CA Plaine Vallée', "Communauté d'agglomération Plaine Vallée", 'Plaine Vallée']
    >>> epci_aliases("Est Ensemble", "EPT")
    ['Est Ensemble', 'EPT Est Ensemble', 'Établissement public territorial Est Ensemble']
    """
    name = name.strip()
    aliases = [name]
    prefix, _, rest = name.partition(" ")
    if prefix in _EPCI_FORMS and rest:
        aliases.append(f"{_EPCI_FORMS[prefix]} {rest}")
        bare = re.sub(r"^(?:de la|du|des|de l'|d'|de)\s*", "", rest).strip()
        if len(bare) >= 8 or (" " in bare and len(bare) >= 6):
            aliases.append(bare)
    elif kind == "EPT":
        aliases.append(f"EPT {name}")
        aliases.append(f"Établissement public territorial {name}")
    return list(dict.fromkeys(aliases))


def _table_exists(con: duckdb.DuckDBPyConnection | None, name: str) -> bool:
    if con is None:
        return False
    schema, table = name.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def _frame(con: duckdb.DuckDBPyConnection | None, table: str, reader, data_dir: Path) -> pd.DataFrame:
    if _table_exists(con, f"raw.{table}"):
        return con.execute(f"select * from raw.{table}").df()
    return reader(Path(data_dir)).frame


def _entry(niveau: str, code: str, libelle: str, alias: str) -> Entry:
    return Entry(code, libelle, alias, True, (("niveau", niveau),))


def territory_entries(con: duckdb.DuckDBPyConnection | None, data_dir: Path, departement: str) -> list[Entry]:
    """Gazetteer entries (``niveau`` attribute: commune, epci, ept, qpv, departement, region, and
    ``hors_departement`` for the names of the other départements, matched only to be skipped)."""
    communes = _frame(con, "cog_communes", cog.read_communes, data_dir)
    epci = _frame(con, "cog_epci", cog.read_epci, data_dir)
    departements = _frame(con, "cog_departements", cog.read_departements, data_dir)
    regions = _frame(con, "cog_regions", cog.read_regions, data_dir)
    entries: list[Entry] = []
    mine = communes[communes["dep"] == departement]
    seen: set[tuple[str, str]] = set()
    for row in mine.itertuples(index=False):
        if row.type not in {"commune-actuelle", "commune-deleguee", "commune-associee"}:
            continue
        if (row.code_insee, row.nom) in seen:
            continue
        seen.add((row.code_insee, row.nom))
        for alias in commune_aliases(row.nom):
            entries.append(_entry("commune", row.code_insee, row.nom, alias))
    kinds = dict(zip(epci["epci_siren"], epci["type"], strict=False))
    groupings: dict[str, str] = {}
    for siren_col, name_col in (("epci_siren", "epci_nom"), ("ept_siren", "ept_nom")):
        for siren, name in mine[[siren_col, name_col]].dropna().drop_duplicates().itertuples(index=False):
            groupings[siren] = name
    for siren, name in sorted(groupings.items()):
        kind = kinds.get(siren, "")
        for alias in epci_aliases(name, kind):
            entries.append(_entry("ept" if kind == "EPT" else "epci", siren, name, alias))
    for row in departements.itertuples(index=False):
        if row.dep == departement:
            entries.append(_entry("departement", row.dep, row.nom, row.nom))
            for region in regions[regions["reg"] == row.reg].itertuples(index=False):
                entries.append(_entry("region", region.reg, region.nom, region.nom))
        elif len(row.nom) >= 4:
            # other départements are matched only to be skipped: « Seine-Saint-Denis » written
            # « Seine Saint-Denis » must not yield the commune Saint-Denis of La Réunion
            entries.append(_entry(HORS_DEPARTEMENT, row.dep, row.nom, row.nom))
    quartiers = _frame(con, "qpv_communes_2024", qpv.read_qpv_communes_2024, data_dir)
    mine_qpv = quartiers[quartiers["dep"] == departement][["code_qp", "lib_qp"]].drop_duplicates()
    if len(mine_qpv):
        for code, name in mine_qpv.itertuples(index=False):
            if len(name) >= 6 and fold_key(name) not in _GENERIC_QPV:
                entries.append(_entry("qpv", code, name, name))
    return entries


def niveaux(entries: Iterable[Entry]) -> dict[str, int]:
    """How many names per level (for metadata)."""
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.get("niveau")] = counts.get(entry.get("niveau"), 0) + 1
    return counts
