"""Live COG and Filosofi tables from INSEE's APIs (pynsee: Métadonnées géographiques and MELODI),
written in the snapshot's file layout and read by the snapshot's own :class:`~ingest.core.FileSpec`
(see :mod:`ingest.live_insee`)."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ingest import cog, filosofi
from ingest.core import FileSpec, QuarantineRow, ReadResult, SourceInfo, read_csv
from ingest.live_deadline import LiveSourceError

__all__ = [
    "GEO_API",
    "MELODI_API",
    "POPULATION_YEAR",
    "FILOSOFI_MEASURES",
    "dep_of_commune",
    "fetch_regions",
    "fetch_departements",
    "fetch_communes",
    "fetch_filosofi_communes_2021",
    "today",
]


GEO_API = "https://api.insee.fr/metadonnees/geo/"
MELODI_API = "https://api.insee.fr/melodi/data/"


POPULATION_YEAR = "2023"  # populations légales of the snapshot (millésime 2023, in force in 2026)

# DS_FILOSOFI_CC measure -> column of filosofi/cc_filosofi_2021_COM.csv
FILOSOFI_MEASURES: dict[str, str] = {
    "NUM_HH": "NBMENFISC21",
    "NUM_PER": "NBPERSMENFISC21",
    "MED_SL": "MED21",
    "S_HH_TAX": "PIMP21",
    "PR_MD60": "TP6021",
    "S_EI_DI": "PACT21",
    "S_EI_DI_SAL": "PTSA21",
    "S_EI_DI_UNE": "PCHO21",
    "S_EI_DI_N_SAL": "PBEN21",
    "S_RET_PEN_DI": "PPEN21",
    "S_INC_ASS_DI": "PPAT21",
    "S_SOC_BEN_DI": "PPSOC21",
    "S_SOC_BEN_DI_FAM_BEN": "PPFAM21",
    "S_SOC_BEN_DI_MIN_SOC": "PPMINI21",
    "S_SOC_BEN_DI_HOU_BEN": "PPLOGT21",
    "S_DIR_TAX_DI": "PIMPOT21",
    "D1_SL": "D121",
    "D9_SL": "D921",
    "IR_D9_D1_SL": "RD21",
}
CONFIDENTIAL = {"C", "D"}  # SDMX CONF_STATUS: confidential (primary, secondary)

_COMMUNE_LISTS = {
    "communes": "commune-actuelle",
    "communesDeleguees": "commune-deleguee",
    "communesAssociees": "commune-associee",
    "arrondissementsMunicipaux": "arrondissement-municipal",
}
_CITY_OF_ARRONDISSEMENT = {"75": "75056", "69": "69123", "13": "13055"}


# --------------------------------------------------------------------------------------------
# From API answers to the snapshot's file layout.
# --------------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A value as the snapshot files write it: missing values (None, NaN, NA) as empty cells."""
    if value is None or (not isinstance(value, (str, list, tuple, dict)) and pd.isna(value)):
        return ""
    return str(value)


def _as_snapshot(
    records: Iterable[Mapping[str, object]], spec: FileSpec, source: str, vintage: str, message: str = ""
) -> ReadResult:
    """Write ``records`` in the layout of ``spec`` and read them with the snapshot's own rules."""
    header = [c.source.strip() for c in spec.columns]
    with tempfile.TemporaryDirectory(prefix="pacte-live-") as folder:
        path = Path(folder) / f"{spec.table}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=spec.sep)
            writer.writerow(header)
            for record in records:
                writer.writerow([_cell(record.get(h)) for h in header])
        result = read_csv(path, replace(spec, vintage=vintage))
    quarantine = [
        QuarantineRow(
            q.table,
            source,
            max(q.line - 1, 0),
            q.field,
            f"réponse de l'API, enregistrement {max(q.line - 1, 0)} : {q.reason}",
            q.content,
        )
        for q in result.quarantine
    ]
    info = SourceInfo(source, result.source.checksum, vintage, mode="live", stale=False, message=message)
    return ReadResult(spec.table, result.frame, info, quarantine)


def _zone(dep: str) -> str:
    if dep in {"971", "972", "973", "974", "976"}:
        return "drom"
    return "com" if len(dep) == 3 else "metro"


def dep_of_commune(code: str) -> str:
    return code[:3] if code.startswith(("97", "98")) else code[:2]


def _get_area_list(area: str) -> pd.DataFrame:
    from pynsee.localdata import get_area_list

    frame = get_area_list(area, update=True, silent=True)
    if frame is None or frame.empty or "CODE" not in frame.columns:
        raise LiveSourceError(f"réponse vide ou inattendue de {GEO_API}{area}")
    return frame


def _text(row: Mapping[str, object], key: str) -> str | None:
    value = row.get(key)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value)


def _region_of_departements() -> dict[str, str]:
    """Département code -> région code, from pynsee.localdata.get_geo_list("departements")."""
    from pynsee.localdata import get_geo_list
    from pynsee.localdata._get_geo_list_simple import _get_geo_list_simple
    from pynsee.localdata._get_geo_relation import _get_geo_relation

    _get_geo_list_simple.cache_clear()  # pynsee memoises these per process: live means fresh
    _get_geo_relation.cache_clear()
    frame = get_geo_list("departements", update=True, silent=True)
    if frame is None or frame.empty or not {"CODE", "CODE_REG"} <= set(frame.columns):
        raise LiveSourceError(f"réponse vide ou inattendue de {GEO_API}region/…/descendants")
    return dict(zip(frame["CODE"].astype(str), frame["CODE_REG"].astype(str), strict=True))


def today() -> str:
    return dt.date.today().isoformat()


def fetch_regions(data_dir: Path | None = None) -> ReadResult:
    """Régions and collectivités d'outre-mer from the INSEE geography API (``cog_regions``)."""
    records = []
    for area in ("regions", "collectivitesDOutreMer"):
        for row in _get_area_list(area).to_dict(orient="records"):
            code = str(row["CODE"])
            records.append(
                {
                    "reg": code,
                    "nom": _text(row, "TITLE"),
                    "chef_lieu": _text(row, "chefLieu"),
                    "zone": "com" if len(code) == 3 else ("drom" if code < "10" else "metro"),
                    "type_liaison": _text(row, "DETERMINER_TYPE"),
                }
            )
    return _as_snapshot(
        records,
        cog.REGIONS,
        f"{GEO_API}regions ; {GEO_API}collectivitesDOutreMer",
        f"COG en vigueur au {today()} (API Métadonnées INSEE)",
    )


def fetch_departements(data_dir: Path | None = None) -> ReadResult:
    """Départements (with their région) and collectivités d'outre-mer (``cog_departements``)."""
    regions = _region_of_departements()
    records = []
    for row in _get_area_list("departements").to_dict(orient="records"):
        code = str(row["CODE"])
        if code not in regions:
            raise LiveSourceError(f"département {code} sans région dans la réponse de l'API")
        records.append(
            {
                "dep": code,
                "nom": _text(row, "TITLE"),
                "reg": regions[code],
                "chef_lieu": _text(row, "chefLieu"),
                "zone": _zone(code),
                "type_liaison": _text(row, "DETERMINER_TYPE"),
            }
        )
    for row in _get_area_list("collectivitesDOutreMer").to_dict(orient="records"):
        code = str(row["CODE"])
        records.append(
            {
                "dep": code,
                "nom": _text(row, "TITLE"),
                "reg": code,
                "chef_lieu": _text(row, "chefLieu"),
                "zone": "com",
                "type_liaison": _text(row, "DETERMINER_TYPE"),
            }
        )
    return _as_snapshot(
        records,
        cog.DEPARTEMENTS,
        f"{GEO_API}departements ; {GEO_API}region/…/descendants ; {GEO_API}collectivitesDOutreMer",
        f"COG en vigueur au {today()} (API Métadonnées INSEE)",
    )


def _melodi(dataset: str, **filters: str) -> pd.DataFrame:
    from pynsee.melodi import get_dataset

    frame = get_dataset(dataset, update=True, silent=True, **filters)
    if frame is None or frame.empty or "GEO" not in frame.columns:
        raise LiveSourceError(f"réponse vide ou inattendue de {MELODI_API}{dataset}")
    frame = frame.copy()
    frame["code"] = frame["GEO"].astype(str).str.split("-").str[-1]
    if "GEO_OBJECT" in frame.columns:
        frame = frame[frame["GEO_OBJECT"].astype(str) == "COM"]
    return frame


def _populations(year: str) -> dict[str, float]:
    frame = _melodi("DS_POPULATIONS_REFERENCE", geo="COM", popref_measure="PMUN", time_period=year)
    if "OBS_VALUE_NIVEAU" not in frame.columns:
        raise LiveSourceError("DS_POPULATIONS_REFERENCE : pas de mesure OBS_VALUE_NIVEAU")
    frame = frame[frame["OBS_VALUE_NIVEAU"].notna()]
    return dict(zip(frame["code"], frame["OBS_VALUE_NIVEAU"].astype(float), strict=True))


def _snapshot_attributes(data_dir: Path | None) -> pd.DataFrame:
    """The snapshot's communes (for the attributes INSEE's APIs do not publish), or an empty frame."""
    if data_dir is None:
        return pd.DataFrame(columns=[c.target for c in cog.COMMUNES.columns])
    return cog.read_communes(Path(data_dir)).frame


def fetch_communes(data_dir: Path | None = None, population_year: str = POPULATION_YEAR) -> ReadResult:
    """All COG entities (``cog_communes``): INSEE lists and populations, completed from the snapshot."""
    regions = _region_of_departements()
    populations = _populations(population_year)
    snapshot = _snapshot_attributes(data_dir)
    known = {(r["code_insee"], r["type"]): r for r in snapshot.to_dict(orient="records")}
    completed = (
        "arrondissement",
        "siren",
        "epci_siren",
        "epci_nom",
        "ept_siren",
        "ept_nom",
        "codes_postaux",
        "chef_lieu",
        "commune_parente",
        "anciens_codes",
    )
    records = []
    for area, kind in _COMMUNE_LISTS.items():
        for row in _get_area_list(area).to_dict(orient="records"):
            code = str(row["CODE"])
            dep = dep_of_commune(code)
            old = known.get((code, kind), {})
            record = {name: old.get(name) for name in completed}
            record.update(
                {
                    "code_insee": code,
                    "nom": _text(row, "TITLE"),
                    "type": kind,
                    "dep": dep,
                    "reg": regions.get(dep),
                    "zone": _zone(dep),
                }
            )
            if kind == "commune-actuelle":
                pop = populations.get(code)
                record["population_municipale"] = None if pop is None else int(round(pop))
            else:
                record["population_municipale"] = old.get("population_municipale")
            if kind == "arrondissement-municipal":
                record["commune_parente"] = _CITY_OF_ARRONDISSEMENT.get(code[:2], record["commune_parente"])
            if kind in {"commune-deleguee", "commune-associee"}:
                record["chef_lieu"] = _text(row, "chefLieu") or record["chef_lieu"]
            records.append(record)
    listed = {(r["code_insee"], r["type"]) for r in records}
    overseas = [
        r
        for r in snapshot.to_dict(orient="records")
        if r.get("zone") == "com" and (r["code_insee"], r["type"]) not in listed
    ]
    for row in overseas:  # communes of the COM: not served by /geo/communes
        records.append({k: v for k, v in row.items() if not k.startswith("_")})
    message = (
        "Liste des communes et populations légales "
        f"{population_year} lues en direct (API INSEE) ; EPCI/EPT, codes postaux, SIREN, arrondissement, "
        "anciens codes, chefs-lieux des communes déléguées et communes des collectivités d'outre-mer "
        f"({len(overseas)}) repris de l'instantané, que ces API ne publient pas."
    )
    return _as_snapshot(
        records,
        cog.COMMUNES,
        f"{GEO_API}{{{','.join(_COMMUNE_LISTS)}}} ; {MELODI_API}DS_POPULATIONS_REFERENCE",
        f"COG en vigueur au {today()} (API INSEE), populations légales {population_year}",
        message,
    )


def fetch_filosofi_communes_2021(data_dir: Path | None = None) -> ReadResult:
    """Filosofi 2021 by commune from MELODI ``DS_FILOSOFI_CC`` (``filosofi_communes_2021``)."""
    frame = _melodi("DS_FILOSOFI_CC", geo="COM", time_period="2021")
    if "FILOSOFI_MEASURE" not in frame.columns:
        raise LiveSourceError("DS_FILOSOFI_CC : pas de dimension FILOSOFI_MEASURE")
    if "OBS_VALUE_NIVEAU" not in frame.columns:
        frame["OBS_VALUE_NIVEAU"] = float("nan")
    conf = (
        frame["CONF_STATUS"].astype(str)
        if "CONF_STATUS" in frame.columns
        else pd.Series("", index=frame.index)
    )
    frame = frame.assign(
        cell=[
            ("s" if c in CONFIDENTIAL else "nd") if pd.isna(v) else repr(float(v))
            for v, c in zip(frame["OBS_VALUE_NIVEAU"], conf, strict=True)
        ]
    )
    frame = frame[frame["FILOSOFI_MEASURE"].isin(FILOSOFI_MEASURES)]
    geo_year = str(frame["GEO"].iloc[0]).split("-")[0] if len(frame) else "?"
    records: dict[str, dict[str, str]] = {}
    for code, measure, cell in zip(frame["code"], frame["FILOSOFI_MEASURE"], frame["cell"], strict=True):
        record = records.setdefault(code, {"CODGEO": code})
        column = FILOSOFI_MEASURES[measure]
        if column in record and record[column] != cell:
            raise LiveSourceError(f"DS_FILOSOFI_CC : deux valeurs pour {measure} de la commune {code}")
        record[column] = cell
    missing = [
        c.source
        for c in filosofi.COMMUNES_2021.columns
        if c.source != "CODGEO" and c.source not in FILOSOFI_MEASURES.values()
    ]
    for record in records.values():
        for column in missing:
            record[column] = "nd"
    message = (
        f"Filosofi 2021 lu en direct (Melodi DS_FILOSOFI_CC, géographie {geo_year}) ; "
        f"non publiés par ce jeu : {', '.join(m.lower() for m in missing)} (NULL, indisponibles)."
    )
    return _as_snapshot(
        records.values(),
        filosofi.COMMUNES_2021,
        f"{MELODI_API}DS_FILOSOFI_CC?GEO=COM&TIME_PERIOD=2021",
        f"Filosofi 2021 (API Melodi DS_FILOSOFI_CC, géographie {geo_year})",
        message,
    )
