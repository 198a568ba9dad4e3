"""Live INSEE readers (pynsee 0.3): a second source for some raw tables of the need side.

With ``PACTE_INSEE_MODE=live`` the raw assets call these readers instead of the snapshot
ones. Each returns the *same* :class:`~ingest.core.ReadResult` as its snapshot twin (same
table name, columns and types, rows that cannot be read quarantined) with
``SourceInfo(mode="live")``: the API answer is written to a temporary file in the
snapshot's layout and read by the snapshot's own :class:`~ingest.core.FileSpec`, so dbt
cannot tell the two sources apart.

============================  =========================================================
table                         live source (HTTP calls made by pynsee)
============================  =========================================================
``cog_regions``               ``localdata.get_area_list("regions")`` and
                              ``("collectivitesDOutreMer")``:
                              ``GET api.insee.fr/metadonnees/geo/{regions,collectivitesDOutreMer}``
``cog_departements``          ``get_area_list("departements")``, ``get_geo_list("departements")``
                              (région of each département: ``GET …/geo/regions`` then
                              ``GET …/geo/region/{code}/descendants?type=Departement``) and the
                              collectivités d'outre-mer
``cog_communes``              ``get_area_list`` of ``communes``, ``communesDeleguees``,
                              ``communesAssociees``, ``arrondissementsMunicipaux``, the
                              départements above, and the populations légales from
                              ``melodi.get_dataset("DS_POPULATIONS_REFERENCE", GEO="COM",
                              POPREF_MEASURE="PMUN", TIME_PERIOD=…)``
                              (``GET api.insee.fr/melodi/data/DS_POPULATIONS_REFERENCE?…``)
``filosofi_communes_2021``    ``melodi.get_dataset("DS_FILOSOFI_CC", GEO="COM", TIME_PERIOD="2021")``
``rp_comparateur_2022``       the file INSEE publishes on insee.fr, downloaded through pynsee's
                              HTTP session: ``GET www.insee.fr/fr/statistiques/fichier/2521169/
                              base_cc_comparateur_csv.zip`` (member ``base_cc_comparateur.csv``)
``rp_dossier_complet_2022``   likewise ``GET …/fichier/5359146/dossier_complet.zip`` (member
                              ``dossier_complet.csv``, some 1 900 columns of which
                              ``CODGEO`` and the snapshot's 20 measures are kept)
============================  =========================================================

What INSEE's APIs do not publish is completed from the snapshot of the same table and
said so in ``SourceInfo.message``: for the communes, EPCI/EPT membership (DGCL), postal
codes, SIREN, arrondissement, chef-lieu of delegated communes, former codes, the
population of the arrondissements municipaux, and the communes of the collectivités
d'outre-mer (absent from ``/geo/communes``); for Filosofi, the poverty rates by age and
tenure, which ``DS_FILOSOFI_CC`` does not carry (NULL, flagged unavailable).

Census. The two census tables are extracts of files INSEE publishes whole on insee.fr
(the snapshot copied their rows and columns unchanged), so their live readers fetch those
very files rather than rebuilding the columns from MELODI datasets. Neither file is in
``pynsee.download``'s catalogue (not in the 1 338 entries bundled with pynsee 0.3, nor in
the stored copy of the DoReMIFaSol list it fetches; see docs/sources_live.md), so the
archive is fetched with pynsee's own HTTP session, bounded like every other live request.
Its CSV member is streamed: only the snapshot's columns are kept (the header must carry
all of them, otherwise the file is another vintage and the reader falls back), rows keep
their line number in the published file, and the projection is read by the snapshot's
:class:`~ingest.core.FileSpec`. Nothing is completed from the snapshot, and the live
tables cover every commune INSEE publishes, not only those of the snapshot's extract.

Bounded time. pynsee retries 7 times with exponential back-off and waits for its rate
limiter, so an unreachable API blocks for minutes. Here each live read runs in a worker
thread with a hard deadline (``PACTE_LIVE_TIMEOUT`` seconds, for the whole table); while
it runs, every pynsee request gets a timeout within the time left, one retry at most and
a bounded rate-limiter wait, and a request started after the deadline is refused. On any
failure (timeout, connection error, HTTP error, unexpected answer) the reader falls back
to the snapshot reader and returns its result with ``stale=True`` and a French message
naming the live error and the snapshot file used.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import re
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ingest import cog, filosofi, recensement
from ingest.core import FileSpec, QuarantineRow, ReadResult, SourceInfo, read_csv

__all__ = [
    "GEO_API",
    "MELODI_API",
    "LiveSourceError",
    "LiveTimeout",
    "POPULATION_YEAR",
    "FILOSOFI_MEASURES",
    "run_with_deadline",
    "with_snapshot_fallback",
    "fetch_regions",
    "fetch_departements",
    "fetch_communes",
    "fetch_filosofi_communes_2021",
    "read_cog_regions_live",
    "read_cog_departements_live",
    "read_cog_communes_live",
    "read_filosofi_communes_2021_live",
    "PublishedFile",
    "COMPARATEUR_FILE",
    "DOSSIER_COMPLET_FILE",
    "fetch_comparateur_2022",
    "fetch_dossier_complet_2022",
    "read_rp_comparateur_2022_live",
    "read_rp_dossier_complet_2022_live",
    "LIVE_READERS",
]

logger = logging.getLogger(__name__)

GEO_API = "https://api.insee.fr/metadonnees/geo/"
MELODI_API = "https://api.insee.fr/melodi/data/"
CONNECT_TIMEOUT = 5.0
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


class LiveSourceError(RuntimeError):
    """The live source could not give a usable answer."""


class LiveTimeout(LiveSourceError):
    """The live source did not answer within the deadline."""


# --------------------------------------------------------------------------------------------
# Deadline: a worker thread, and pynsee's session bounded while it runs.
# --------------------------------------------------------------------------------------------

_local = threading.local()
_install_lock = threading.Lock()
_installed = False


def _bounded_retry():
    from urllib3.util.retry import Retry

    return Retry(
        total=1, backoff_factor=0.2, status_forcelist=(429, 502, 503, 504), respect_retry_after_header=False
    )


def _time_left(what: str) -> float:
    """Seconds left to the current live worker; :class:`LiveTimeout` once it is told to stop.

    Outside a live worker thread there is no deadline (``inf``).
    """
    cancel = getattr(_local, "cancel", None)
    if cancel is None:
        return float("inf")
    remaining = _local.deadline - time.monotonic()
    if cancel.is_set() or remaining <= 0:
        raise LiveTimeout(f"délai dépassé {what}")
    return remaining


def _install_bounds() -> None:
    """Wrap ``PynseeAPISession.request`` once; it is bounded only in live worker threads."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from pynsee.utils.requests_session import PynseeAPISession

        original = PynseeAPISession.request

        def request(self, method, url, timeout=(10, 15), raise_if_not_ok=True, **kwargs):
            if getattr(_local, "cancel", None) is not None:
                remaining = _time_left(f"avant l'appel de {url}")
                timeout = (min(CONNECT_TIMEOUT, remaining), remaining)
                for adapter in self.adapters.values():
                    adapter.max_retries = _bounded_retry()
                    if hasattr(adapter, "max_delay"):  # requests-ratelimiter: bounded wait
                        adapter.max_delay = remaining
            return original(self, method, url, timeout=timeout, raise_if_not_ok=raise_if_not_ok, **kwargs)

        request.__wrapped__ = original  # type: ignore[attr-defined]
        PynseeAPISession.request = request
        _installed = True


def run_with_deadline(func: Callable[..., Any], deadline: float, *args: Any) -> Any:
    """Run ``func(*args)`` in a worker thread and give up after ``deadline`` seconds.

    pynsee requests made by the worker are bounded by the time left (see module doc).
    Raises :class:`LiveTimeout` when the deadline passes; the worker is told to stop at
    its next request and is left to finish in the background (a daemon thread).

    Examples
    --------
    >>> run_with_deadline(lambda x: x * 2, 1.0, 21)
    42
    >>> try:
    ...     run_with_deadline(time.sleep, 0.05, 1)
    ... except LiveTimeout as exc:
    ...     print(exc)
    pas de réponse complète en 0.05 s
    """
    if deadline <= 0:
        raise ValueError(f"the live deadline must be positive, not {deadline!r}")
    cancel = threading.Event()
    box: dict[str, Any] = {}
    limit = time.monotonic() + deadline

    def target() -> None:
        _local.cancel = cancel
        _local.deadline = limit
        try:
            box["value"] = func(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc
        finally:
            _local.cancel = None

    worker = threading.Thread(
        target=target, name=f"pacte-live-{getattr(func, '__name__', 'call')}", daemon=True
    )
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        cancel.set()
        raise LiveTimeout(f"pas de réponse complète en {deadline:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


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


def _dep_of_commune(code: str) -> str:
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


def _today() -> str:
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
        f"COG en vigueur au {_today()} (API Métadonnées INSEE)",
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
        f"COG en vigueur au {_today()} (API Métadonnées INSEE)",
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
            dep = _dep_of_commune(code)
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
        f"COG en vigueur au {_today()} (API INSEE), populations légales {population_year}",
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


# --------------------------------------------------------------------------------------------
# Census: the files INSEE publishes on insee.fr, read with the snapshot's own FileSpec.
# --------------------------------------------------------------------------------------------

INSEE_FILES = "https://www.insee.fr/fr/statistiques/fichier/"
_MB = 1024 * 1024
_CHUNK = 1 << 16


@dataclass(frozen=True)
class PublishedFile:
    """A zip archive INSEE publishes on insee.fr and the CSV member a snapshot table copies.

    ``max_bytes`` bounds the archive: an answer announced or found larger is not the
    expected file (an error page, another product) and is refused before it fills the disk.
    """

    url: str
    member: str
    page: str
    max_bytes: int


# « Base du comparateur de territoires » (page 2521169): one CSV of 32 columns, about 35 000
# communes and arrondissements municipaux, a few MB zipped; the snapshot copies its 93 rows.
COMPARATEUR_FILE = PublishedFile(
    url=f"{INSEE_FILES}2521169/base_cc_comparateur_csv.zip",
    member="base_cc_comparateur.csv",
    page="https://www.insee.fr/fr/statistiques/2521169",
    max_bytes=64 * _MB,
)
# « Dossier complet » (page 5359146): some 1 900 columns by commune, an archive of about
# 200 MB; the snapshot keeps 20 of its columns for the communes of the 93.
DOSSIER_COMPLET_FILE = PublishedFile(
    url=f"{INSEE_FILES}5359146/dossier_complet.zip",
    member="dossier_complet.csv",
    page="https://www.insee.fr/fr/statistiques/5359146",
    max_bytes=512 * _MB,
)


def _download(url: str, target: Path, max_bytes: int) -> str:
    """Stream ``url`` to ``target`` through pynsee's HTTP session; return the SHA-256.

    In a live worker the request is bounded like every pynsee request (timeout within the
    time left, one retry at most), and the transfer stops at the deadline between chunks.
    HTTP errors raise (pynsee's ``raise_if_not_ok``).
    """
    from pynsee.utils.requests_session import PynseeAPISession

    digest = hashlib.sha256()
    size = 0
    with PynseeAPISession() as session:
        response = session.get(url, stream=True)
        try:
            announced = response.headers.get("Content-Length", "")
            if announced.isdigit() and int(announced) > max_bytes:
                raise LiveSourceError(
                    f"{url} annonce {int(announced) / _MB:.0f} Mo, au-delà des {max_bytes / _MB:.0f} Mo "
                    "attendus au plus pour ce fichier"
                )
            with open(target, "wb") as handle:
                for chunk in response.iter_content(chunk_size=_CHUNK):
                    _time_left(f"pendant le téléchargement de {url} ({size / _MB:.1f} Mo reçus)")
                    size += len(chunk)
                    if size > max_bytes:
                        raise LiveSourceError(
                            f"{url} dépasse {max_bytes / _MB:.0f} Mo : téléchargement arrêté"
                        )
                    handle.write(chunk)
                    digest.update(chunk)
        finally:
            response.close()
    if size == 0:
        raise LiveSourceError(f"réponse vide de {url}")
    return digest.hexdigest()


def _neighbours(missing: Iterable[str], header: Iterable[str], limit: int = 6) -> list[str]:
    """Columns of ``header`` named like a missing one but for the digits (another vintage).

    Examples
    --------
    >>> _neighbours(["P22_POP", "ETTOT24", "MED21"], ["CODGEO", "P23_POP", "ETTOT25", "MED_SL23"])
    ['P23_POP', 'ETTOT25']
    """
    columns = list(header)
    found: list[str] = []
    for name in missing:
        pattern = re.compile(re.sub(r"\d+", r"\\d+", re.escape(name)) + "$")
        found += [c for c in columns if c != name and pattern.match(c) and c not in found]
    return found[:limit]


@dataclass(frozen=True)
class _Projection:
    path: Path
    columns: int  # columns of the published header
    rejected: list[QuarantineRow]


def _project_member(archive: Path, published: PublishedFile, spec: FileSpec, folder: Path) -> _Projection:
    """Stream the CSV member of ``archive`` into a file holding only ``spec``'s columns.

    Each record keeps its physical line (a blank line replaces a rejected record), so the
    line numbers of the quarantine and of ``_line`` are those of the published file.
    A record with the wrong number of fields is rejected here with the published header's
    count, as :func:`~ingest.core.read_csv` would; cell values are left to ``spec``.
    """
    source = f"{published.url} ({published.member})"
    try:
        bundle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise LiveSourceError(f"la réponse de {published.url} n'est pas une archive zip ({exc})") from None
    with bundle:
        names = [n for n in bundle.namelist() if Path(n).name.lower() == published.member.lower()]
        if not names:
            content = ", ".join(bundle.namelist()[:8]) or "vide"
            raise LiveSourceError(
                f"{published.member} absent de l'archive {published.url} (contenu : {content})"
            )
        target = folder / published.member
        rejected: list[QuarantineRow] = []
        try:
            with (
                io.TextIOWrapper(bundle.open(names[0]), encoding=spec.encoding, newline="") as handle,
                open(target, "w", encoding="utf-8", newline="") as out,
            ):
                reader = csv.reader(handle, delimiter=spec.sep)
                writer = csv.writer(out, delimiter=spec.sep, lineterminator="\n")
                header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
                while header and header[-1] == "":
                    header.pop()
                if not header:
                    raise LiveSourceError(f"{published.member} de {published.url} est vide")
                positions = {name: i for i, name in enumerate(header)}
                wanted = [c.source.strip() for c in spec.columns]
                missing = [
                    c.source.strip()
                    for c in spec.columns
                    if c.source.strip() not in positions and not c.optional
                ]
                if missing:
                    near = _neighbours(missing, [h for h in header if h not in wanted])
                    raise LiveSourceError(
                        f"{published.member} publié sur insee.fr n'a pas {len(missing)} des colonnes de "
                        f"l'instantané ({', '.join(missing[:6])}{'…' if len(missing) > 6 else ''})"
                        + (f" mais {', '.join(near)}" if near else "")
                        + f" : sans doute un autre millésime que celui de la table {spec.table}"
                    )
                kept = [w for w in wanted if w in positions]
                writer.writerow(kept)
                line_no = reader.line_num
                for record in reader:
                    start, line_no = line_no + 1, reader.line_num
                    if start % 2000 == 0:
                        _time_left(f"pendant la lecture de {published.member} (ligne {start})")
                    while len(record) > len(header) and record[-1] == "":
                        record = record[:-1]
                    if not record or all(not cell.strip() for cell in record):
                        row: list[str] | None = None
                    elif len(record) != len(header):
                        rejected.append(
                            QuarantineRow(
                                spec.table,
                                source,
                                start,
                                "",
                                f"expected {len(header)} fields, found {len(record)}",
                                spec.sep.join(record)[:500],
                            )
                        )
                        row = None
                    else:
                        row = [record[positions[w]] for w in kept]
                    if row is None:
                        out.write("\n")
                    else:
                        writer.writerow(row)
                    out.write("\n" * (line_no - start))  # a record spread over several lines
        except UnicodeDecodeError as exc:
            raise LiveSourceError(f"{published.member} illisible en {spec.encoding} : {exc}") from None
        except csv.Error as exc:
            raise LiveSourceError(f"{published.member} illisible : {exc}") from None
    return _Projection(target, len(header), rejected)


def _fetch_published(
    published: PublishedFile, spec: FileSpec, message: Callable[[ReadResult, _Projection], str]
) -> ReadResult:
    """Download ``published``, keep ``spec``'s columns and read them with ``spec`` (``mode="live"``)."""
    source = f"{published.url} ({published.member})"
    vintage = f"{spec.vintage} ; {published.member} en ligne sur insee.fr le {_today()}"
    with tempfile.TemporaryDirectory(prefix="pacte-live-") as folder:
        archive = Path(folder) / "archive.zip"
        checksum = _download(published.url, archive, published.max_bytes)
        projection = _project_member(archive, published, spec, Path(folder))
        result = read_csv(projection.path, replace(spec, vintage=vintage))
    unreadable = [q for q in result.quarantine if q.line == 0]
    if unreadable:
        raise LiveSourceError(f"{published.member} illisible : {unreadable[0].reason}")
    quarantine = sorted(
        projection.rejected + [replace(q, source_file=source) for q in result.quarantine],
        key=lambda q: q.line,
    )
    result = ReadResult(
        spec.table, result.frame, SourceInfo(source, checksum, vintage, mode="live"), quarantine
    )
    return replace(result, source=replace(result.source, message=message(result, projection)))


def _coverage(result: ReadResult) -> str:
    """« N communes de D départements » for the ``codgeo`` column of a census table."""
    deps = {_dep_of_commune(code) for code in result.frame["codgeo"].dropna()}
    return f"{result.rows} communes ou arrondissements de {len(deps)} département(s)"


def fetch_comparateur_2022(data_dir: Path | None = None) -> ReadResult:
    """« Base du comparateur de territoires » as INSEE publishes it (``rp_comparateur_2022``)."""

    def message(result: ReadResult, projection: _Projection) -> str:
        return (
            f"Comparateur de territoires lu en direct sur insee.fr ({COMPARATEUR_FILE.member} : "
            f"{_coverage(result)} ; l'instantané n'a que la Seine-Saint-Denis)."
        )

    return _fetch_published(COMPARATEUR_FILE, recensement.COMPARATEUR_2022, message)


def fetch_dossier_complet_2022(data_dir: Path | None = None) -> ReadResult:
    """The snapshot's 20 columns of INSEE's « Dossier complet » (``rp_dossier_complet_2022``)."""

    def message(result: ReadResult, projection: _Projection) -> str:
        kept = len(recensement.DOSSIER_COMPLET_2022.columns)
        return (
            f"Dossier complet lu en direct sur insee.fr ({DOSSIER_COMPLET_FILE.member} : les {kept} "
            f"colonnes de l'instantané parmi les {projection.columns} du fichier, {_coverage(result)} ; "
            "l'instantané n'a que la Seine-Saint-Denis)."
        )

    return _fetch_published(DOSSIER_COMPLET_FILE, recensement.DOSSIER_COMPLET_2022, message)


# --------------------------------------------------------------------------------------------
# Live readers with a deadline and a fall back to the snapshot.
# --------------------------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def with_snapshot_fallback(
    table: str,
    fetch: Callable[[Path], ReadResult],
    snapshot: Callable[[Path], ReadResult],
) -> Callable[[Path, float], ReadResult]:
    """A live reader ``(data_dir, timeout) -> ReadResult`` that falls back to ``snapshot``.

    The live fetch gets ``timeout`` seconds in all; any error (including an empty answer)
    leads to the snapshot's result marked ``stale=True`` with a message naming the live
    error and the snapshot file.
    """

    def reader(data_dir: Path, timeout: float) -> ReadResult:
        started = time.monotonic()
        try:
            import pynsee.localdata  # noqa: F401 - imported before the clock starts (takes seconds)
            import pynsee.melodi  # noqa: F401

            _install_bounds()
            started = time.monotonic()
            result = run_with_deadline(fetch, float(timeout), Path(data_dir))
            if result.table_name != table:
                raise LiveSourceError(f"table {result.table_name} reçue au lieu de {table}")
            if not len(result.frame):
                raise LiveSourceError("aucune ligne lisible dans la réponse de l'API")
            return result
        except Exception as exc:  # noqa: BLE001 - every live failure falls back to the snapshot
            elapsed = time.monotonic() - started
            fallback = snapshot(Path(data_dir))
            message = (
                f"Source INSEE en direct indisponible pour {table} après {elapsed:.1f} s "
                f"(limite {float(timeout):g} s, PACTE_LIVE_TIMEOUT) : {_describe(exc)}. "
                f"Repli sur l'instantané {fallback.source.source_file} ({fallback.source.vintage}), "
                "qui peut être moins à jour que l'API."
            )
            logger.warning(message)
            return replace(fallback, source=replace(fallback.source, stale=True, message=message))

    reader.__name__ = f"read_{table}_live"
    reader.__doc__ = f"Live reader of ``{table}`` (pynsee), falling back to the snapshot."
    return reader


read_cog_regions_live = with_snapshot_fallback("cog_regions", fetch_regions, cog.read_regions)
read_cog_departements_live = with_snapshot_fallback(
    "cog_departements", fetch_departements, cog.read_departements
)
read_cog_communes_live = with_snapshot_fallback("cog_communes", fetch_communes, cog.read_communes)
read_filosofi_communes_2021_live = with_snapshot_fallback(
    "filosofi_communes_2021", fetch_filosofi_communes_2021, filosofi.read_communes_2021
)
read_rp_comparateur_2022_live = with_snapshot_fallback(
    "rp_comparateur_2022", fetch_comparateur_2022, recensement.read_comparateur_2022
)
read_rp_dossier_complet_2022_live = with_snapshot_fallback(
    "rp_dossier_complet_2022", fetch_dossier_complet_2022, recensement.read_dossier_complet_2022
)

LIVE_READERS: dict[str, Callable[[Path, float], ReadResult]] = {
    "cog_regions": read_cog_regions_live,
    "cog_departements": read_cog_departements_live,
    "cog_communes": read_cog_communes_live,
    "filosofi_communes_2021": read_filosofi_communes_2021_live,
    "rp_comparateur_2022": read_rp_comparateur_2022_live,
    "rp_dossier_complet_2022": read_rp_dossier_complet_2022_live,
}
