"""Raw assets of the offer (Étape 2): data·inclusion, national lists, local offer.

Every source gives ``raw.offre_structures__<src>`` and, when it describes services,
``raw.offre_services__<src>`` (contract in :mod:`ingest.offre._common`).

- ``di_api``: the recorded API v1 answers by default; with ``PACTE_OFFRE_MODE=live`` the
  data·inclusion API is called for the département of the run (the partition key, else
  the codes in ``PACTE_DEPARTEMENTS``) and the snapshot is used, marked stale, when the
  API cannot be reached.
- ``local``: every ``<PACTE_INBOX>/<département>/offre_locale/*.csv`` file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dagster import AssetExecutionContext

from ingest.paresseux import lecteurs
from orchestration.assets._raw import RawSource, raw_asset
from orchestration.resources import PacteSettingsResource
from socle.departements import validate_departement
from socle.settings import departements_choisis, load_settings

if TYPE_CHECKING:
    from ingest.core import ReadResult

__all__ = ["SOURCES", "ASSETS", "CHECKS", "SENSORS"]

GROUP = "raw_offre"
aa = lecteurs("ingest.offre.aide_alimentaire")
bpe = lecteurs("ingest.offre.bpe")
di = lecteurs("ingest.offre.data_inclusion")
ln = lecteurs("ingest.offre.listes_nationales")
pe = lecteurs("ingest.offre.petite_enfance")


def _run_departements(context: AssetExecutionContext) -> list[str]:
    """Département(s) of a live call: the run's partition, else ``PACTE_DEPARTEMENTS``."""
    tag = context.run.tags.get("dagster/partition") if context.run else None
    codes = [tag] if tag else departements_choisis()
    return [validate_departement(code) for code in codes]


def _di_api_reader(services: bool):
    def read(context: AssetExecutionContext, settings: PacteSettingsResource) -> ReadResult:
        from ingest.offre import api_data_inclusion as api

        mode = api.offre_mode()
        data_dir = Path(settings.data_dir)
        reader = api.read_di_api_services if services else api.read_di_api_structures
        if mode == "snapshot":
            return reader(data_dir)
        departements = _run_departements(context)
        if not departements:
            raise ValueError("PACTE_OFFRE_MODE=live needs a département: run a partition or set "
                             "PACTE_DEPARTEMENTS")
        config = api.ApiConfig.from_env(timeout=settings.live_timeout)
        return reader(data_dir, mode="live", departements=departements, config=config)

    return read


def _local_reader(services: bool):
    def read(context: AssetExecutionContext, settings: PacteSettingsResource) -> ReadResult:
        from ingest.offre import local

        reader = local.read_local_services if services else local.read_local_structures
        return reader(Path(settings.inbox_dir), Path(settings.data_dir))

    return read


def _local_default(services: bool):
    def read(data_dir: Path) -> ReadResult:
        from ingest.offre import local

        reader = local.read_local_services if services else local.read_local_structures
        return reader(load_settings().inbox_dir, data_dir)

    return read


SOURCES: list[RawSource] = [
    RawSource("offre_structures__di_export", di.read_export_structures,
              "data·inclusion, export La Réunion 2025 : structures (codes v0 tels que publiés)", GROUP),
    RawSource("offre_services__di_export", di.read_export_services,
              "data·inclusion, export La Réunion 2025 : services (listes {a,b} lues, latitudes corrigées)",
              GROUP),
    RawSource("offre_structures__di_api", di.read_api_snapshot_structures,
              "data·inclusion API v1 : structures (instantané, ou API en direct si PACTE_OFFRE_MODE=live)",
              GROUP, context_reader=_di_api_reader(services=False)),
    RawSource("offre_services__di_api", di.read_api_snapshot_services,
              "data·inclusion API v1 : services (instantané, ou API en direct si PACTE_OFFRE_MODE=live)",
              GROUP, context_reader=_di_api_reader(services=True)),
    RawSource("offre_structures__france_services", ln.read_france_services,
              "ANCT : France services au 2024-08-01", GROUP),
    RawSource("offre_structures__siae", ln.read_siae, "ASP : structures de l'insertion par l'activité économique (SIAE) conventionnées, juillet 2019", GROUP),
    RawSource("offre_structures__siae_geocodees", ln.read_siae_geocodees,
              "le marché de l'inclusion : SIAE et GEIQ 2019 géolocalisés", GROUP),
    RawSource("offre_structures__geiq", ln.read_geiq, "GEIQ, liste de novembre 2019", GROUP),
    RawSource("offre_structures__esat", ln.read_esat, "FINESS : ESAT et leurs places autorisées", GROUP),
    RawSource("offre_structures__ft_agences", ln.read_ft_agences, "Pôle emploi : liste des sites en 2019", GROUP),
    RawSource("offre_structures__missions_locales", ln.read_missions_locales,
              "Missions locales de la liste des prescripteurs habilités de 2019 (Pas-de-Calais, Bas-Rhin, Seine-Saint-Denis)", GROUP),
    RawSource("offre_structures__prescripteurs", ln.read_prescripteurs,
              "Autres prescripteurs habilités en 2019 (PJJ, SPIP, Cap emploi, Pôle emploi…)", GROUP),
    RawSource("offre_structures__cnfs", ln.read_cnfs,
              "ANCT : structures accueillant des conseillers numériques France Services (2021)", GROUP),
    RawSource("offre_structures__fabriques_territoire", ln.read_fabriques_territoire,
              "ANCT : Fabriques de territoire (2024)", GROUP),
    RawSource("offre_dispositifs__cites_educatives", ln.read_cites_educatives,
              "ANCT et ANRU : liste des Cités éducatives (dispositif, 2024)", GROUP),
    RawSource("offre_structures__mediation_numerique", ln.read_mediation_numerique_structures,
              "Lieux de médiation numérique (échantillons régionaux PACA 2023, AURA 2022)", GROUP),
    RawSource("offre_services__mediation_numerique", ln.read_mediation_numerique_services,
              "Services des lieux de médiation numérique (libellés tels que publiés)", GROUP),
    RawSource("offre_structures__aide_alimentaire", aa.read_aide_alimentaire,
              "Banques Alimentaires : épiceries sociales et solidaires (partenaires, ANDES, UGESS, "
              "étudiantes), banques alimentaires et antennes (carte de la fédération, 2023)", GROUP),
    # counts and places per territory, not catalogue records (docs/offre.md, « Équipements et places »)
    RawSource("bpe_2018_equipements", bpe.read_bpe_2018,
              "INSEE : base permanente des équipements 2018, nombre d'équipements par commune (COG 2018) "
              "et type", GROUP),
    RawSource("cnaf_places_petite_enfance_communes", pe.read_cnaf_places_communes,
              "CNAF : places d'accueil formel des moins de 3 ans, communes de plus de 10 000 habitants, "
              "2017-2022", GROUP),
    RawSource("drees_accueil_jeune_enfant_departements", pe.read_drees_accueil_jeune_enfant,
              "DREES : crèches, places et agréments d'assistants maternels par département, 2010-2023",
              GROUP),
    RawSource("offre_structures__local", _local_default(services=False),
              "Offre locale saisie par les analystes (PACTE_INBOX/<dép>/offre_locale/*.csv) : lieux",
              GROUP, context_reader=_local_reader(services=False)),
    RawSource("offre_services__local", _local_default(services=True),
              "Offre locale saisie par les analystes : services", GROUP,
              context_reader=_local_reader(services=True)),
]

ASSETS = [raw_asset(source) for source in SOURCES]
CHECKS: list = []
SENSORS: list = []
