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

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ingest import cog, filosofi, recensement
from ingest.core import ReadResult
from ingest.live_api import (
    fetch_communes,
    fetch_departements,
    fetch_filosofi_communes_2021,
    fetch_regions,
)
from ingest.live_deadline import LiveSourceError, install_bounds, run_with_deadline
from ingest.live_files import fetch_comparateur_2022, fetch_dossier_complet_2022

__all__ = [
    "with_snapshot_fallback",
    "read_cog_regions_live",
    "read_cog_departements_live",
    "read_cog_communes_live",
    "read_filosofi_communes_2021_live",
    "read_rp_comparateur_2022_live",
    "read_rp_dossier_complet_2022_live",
    "LIVE_READERS",
]

logger = logging.getLogger(__name__)


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

            install_bounds()
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
