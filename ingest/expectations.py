"""Great Expectations suites for the raw tables of the need side, and how to run them.

Each raw table (``raw.<table>``) has a :class:`Suite`: plain data listing what must
hold once the file has been read — expected columns present, key columns not null
and unique, codes matching their pattern, rates between 0 and 100, counts never
negative, row counts within a plausible range. A suite is turned into a Great
Expectations 1.x ``ExpectationSuite`` only when it runs (:func:`validate_frame`), so
that importing this module stays cheap: ``great_expectations`` takes seconds to
import and is loaded lazily, never at Dagster definition time.

An expectation may apply to a subset of rows (``where=("type", "commune-actuelle")``,
run as a Great Expectations row condition), e.g. the commune code is unique among
the *current* communes only. Failures keep the observed value and a sample of the
failing rows; :func:`write_failures` stores them in ``quarantine.attentes_echouees``.

Great Expectations runs in an ephemeral context on a pandas dataframe; analytics
are disabled (``GX_ANALYTICS_ENABLED=false``) and nothing leaves the machine.

Examples
--------
>>> suite = SUITES["cog_regions"]
>>> [e.kind for e in suite.expectations][:4]
['columns', 'not_null', 'unique', 'regex']
>>> unique("code_insee", where=("type", "commune-actuelle")).label
'code_insee unique (type = commune-actuelle)'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.core import COMMUNE_CODE, DEPARTEMENT_CODE
from ingest.paresseux import module_paresseux
from ingest.vocabulaires import seed_rows
from ingest.warehouse import insert_rows

pd = module_paresseux("pandas")

__all__ = [
    "FAILURES_TABLE",
    "RUNS_TABLE",
    "KINDS",
    "Expectation",
    "Failure",
    "Suite",
    "SuiteOutcome",
    "SUITES",
    "between",
    "columns",
    "count",
    "in_set",
    "key",
    "matches",
    "not_null",
    "rate",
    "rows",
    "unique",
    "unique_together",
    "previous_pass",
    "suite_fingerprint",
    "table_fingerprint",
    "validate_frame",
    "write_failures",
]

FAILURES_TABLE = "quarantine.attentes_echouees"
RUNS_TABLE = "quarantine.attentes_verifications"
KINDS = ("columns", "not_null", "unique", "unique_together", "regex", "between", "in_set", "rows")
SAMPLE_ROWS = 10

COMMUNE = COMMUNE_CODE.pattern
DEPARTEMENT = DEPARTEMENT_CODE.pattern
REGION = r"^(?:\d{2}|97[5-8]|98[4-9])$"
SIREN = r"^\d{9}$"
IRIS = r"^(?:\d{5}|2[AB]\d{3})\d{4}$"
QPV_2024 = r"^QN\d{2}[\dAB]\d{2}[A-Z]$"
QPV_2015 = r"^QP\d{2}[\dAB]\d{3}$"
CLPE = r"^CLPE[0-9A-Z]{5}$"
AGE_BANDS = tuple(f"a{low}_{low + 4}" for low in range(0, 95, 5)) + ("a95_plus",)
PLAUSIBLE_MEDIAN = "niveau de vie médian plausible (1 000 à 200 000 €)"


@dataclass(frozen=True)
class Expectation:
    """One expectation on a raw table.

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    column : str or None
        The column it applies to (``None`` for table-level kinds).
    params : mapping
        Kind-specific parameters (``columns``, ``regex``, ``min``, ``max``, ``values``, ``mostly``).
    where : (column, value) or None
        Only rows where ``column == value`` are considered.
    label : str
        Short French description shown to users.
    """

    kind: str
    column: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    where: tuple[str, str] | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown expectation kind {self.kind!r}, expected one of {KINDS}")

    @property
    def columns_used(self) -> tuple[str, ...]:
        """Every column the expectation reads (its column, compound columns, the ``where`` column)."""
        used: list[str] = []
        if self.kind == "unique_together":
            used.extend(self.params["columns"])
        elif self.column is not None:
            used.append(self.column)
        if self.where is not None:
            used.append(self.where[0])
        return tuple(used)


def _where_text(where: tuple[str, str] | None) -> str:
    return f" ({where[0]} = {where[1]})" if where else ""


def columns(*names: str) -> Expectation:
    """The table has (at least) these columns."""
    return Expectation("columns", params={"columns": tuple(names)},
                       label=f"colonnes présentes : {', '.join(names)}")


def not_null(column: str, where: tuple[str, str] | None = None, mostly: float | None = None) -> Expectation:
    """``column`` is never NULL (or in at least ``mostly`` of the rows)."""
    params = {"mostly": mostly} if mostly is not None else {}
    share = f" (au moins {mostly:.0%} des lignes)" if mostly is not None else ""
    return Expectation("not_null", column, params, where, f"{column} renseigné{share}{_where_text(where)}")


def unique(column: str, where: tuple[str, str] | None = None) -> Expectation:
    """``column`` has no duplicate value."""
    return Expectation("unique", column, {}, where, f"{column} unique{_where_text(where)}")


def unique_together(*names: str, where: tuple[str, str] | None = None) -> Expectation:
    """The combination of ``names`` has no duplicate."""
    return Expectation("unique_together", None, {"columns": tuple(names)}, where,
                       f"({', '.join(names)}) unique{_where_text(where)}")


def matches(column: str, regex: str, where: tuple[str, str] | None = None, what: str = "") -> Expectation:
    """Every non-NULL value of ``column`` matches ``regex``."""
    return Expectation("regex", column, {"regex": regex}, where,
                       f"{column} au format {what or regex}{_where_text(where)}")


def between(column: str, low: float | None, high: float | None, what: str = "") -> Expectation:
    """Every non-NULL value of ``column`` lies in ``[low, high]`` (``None``: unbounded)."""
    if what:
        text = what
    elif high is None:
        text = f"≥ {low:g}"
    elif low is None:
        text = f"≤ {high:g}"
    else:
        text = f"entre {low:g} et {high:g}"
    return Expectation("between", column, {"min": low, "max": high}, None, f"{column} {text}")


def rate(column: str) -> Expectation:
    """A percentage: between 0 and 100."""
    return between(column, 0, 100, what="taux entre 0 et 100")


def count(column: str) -> Expectation:
    """A count or a population: never negative."""
    return between(column, 0, None, what="effectif ≥ 0")


def in_set(column: str, values: Iterable[str], where: tuple[str, str] | None = None) -> Expectation:
    """Every non-NULL value of ``column`` is one of ``values``."""
    values = tuple(values)
    return Expectation("in_set", column, {"values": values}, where,
                       f"{column} parmi {', '.join(map(str, values))}{_where_text(where)}")


def rows(low: int, high: int | None, where: tuple[str, str] | None = None) -> Expectation:
    """The number of rows (of the ``where`` subset) lies in ``[low, high]``."""
    def fmt(n: int) -> str:
        return f"{n:,}".replace(",", " ")

    span = f"entre {fmt(low)} et {fmt(high)}" if high is not None else f"au moins {fmt(low)}"
    return Expectation("rows", None, {"min": low, "max": high}, where,
                       f"nombre de lignes {span}{_where_text(where)}")


def key(column: str, regex: str | None = None, where: tuple[str, str] | None = None,
        what: str = "") -> list[Expectation]:
    """A key column: not NULL, unique and (optionally) matching ``regex``."""
    out = [not_null(column, where), unique(column, where)]
    if regex:
        out.append(matches(column, regex, where, what))
    return out


@dataclass(frozen=True)
class Suite:
    """The expectations of one raw table."""

    table: str
    expectations: tuple[Expectation, ...]
    description: str = ""

    @property
    def name(self) -> str:
        return f"raw.{self.table}"


@dataclass
class Failure:
    """One expectation that did not hold, with what was observed and sample rows."""

    table: str
    expectation: str
    kind: str
    column: str | None
    row_condition: str | None
    observed: str
    unexpected_count: int | None = None
    sample: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SuiteOutcome:
    """The result of running a suite on one table."""

    table: str
    evaluated: int
    rows: int
    failures: list[Failure] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        """French one-paragraph summary for logs and check descriptions."""
        if self.success:
            return (f"raw.{self.table} : {self.evaluated} attentes vérifiées sur {self.rows} lignes, "
                    "toutes tenues.")
        lines = [f"raw.{self.table} : {len(self.failures)} attente(s) sur {self.evaluated} en échec "
                 f"({self.rows} lignes)."]
        lines += [f"- {f.expectation} : {f.observed}" for f in self.failures]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Suites. Ranges come from the real files (PROVENANCE.md) with a margin for the next vintage.
# --------------------------------------------------------------------------------------------

ACTUELLE = ("type", "commune-actuelle")


def _suites() -> dict[str, Suite]:
    suites = [
        Suite("cog_communes", (
            columns("code_insee", "nom", "type", "dep", "reg", "epci_siren", "ept_siren",
                    "population_municipale", "chef_lieu", "commune_parente", "anciens_codes"),
            not_null("code_insee"),
            matches("code_insee", COMMUNE, what="code commune INSEE"),
            unique_together("code_insee", "type"),
            *key("code_insee", where=ACTUELLE),
            in_set("type", ("commune-actuelle", "commune-deleguee", "commune-associee",
                            "arrondissement-municipal")),
            not_null("nom"),
            matches("dep", DEPARTEMENT, what="code département"),
            matches("reg", REGION, what="code région"),
            matches("epci_siren", SIREN, what="SIREN"),
            matches("ept_siren", SIREN, what="SIREN"),
            not_null("epci_siren", where=ACTUELLE, mostly=0.99),
            not_null("population_municipale", where=ACTUELLE, mostly=0.99),
            count("population_municipale"),
            rows(34_000, 36_000, where=ACTUELLE),
            rows(36_000, 40_000),
        ), "COG 2026 : communes actuelles, déléguées, associées et arrondissements municipaux"),
        Suite("cog_departements", (
            columns("dep", "nom", "reg", "chef_lieu", "zone"),
            *key("dep", DEPARTEMENT, what="code département"),
            not_null("nom"),
            matches("reg", REGION, what="code région"),
            matches("chef_lieu", COMMUNE, what="code commune INSEE"),
            rows(101, 115),
        ), "COG 2026 : départements et collectivités d'outre-mer"),
        Suite("cog_regions", (
            columns("reg", "nom", "chef_lieu", "zone"),
            not_null("reg"), unique("reg"), matches("reg", REGION, what="code région"),
            not_null("nom"),
            matches("chef_lieu", COMMUNE, what="code commune INSEE"),
            rows(18, 30),
        ), "COG 2026 : régions et collectivités d'outre-mer"),
        Suite("cog_epci", (
            columns("epci_siren", "nom", "type", "population_municipale", "nb_communes"),
            *key("epci_siren", SIREN, what="SIREN"),
            not_null("nom"),
            in_set("type", ("CC", "CA", "CU", "METRO", "MET69", "EPT")),
            count("population_municipale"),
            between("nb_communes", 1, None),
            rows(1_150, 1_400),
        ), "DGCL 2026 : EPCI à fiscalité propre et EPT"),
        Suite("cog_epci_membres", (
            columns("epci_siren", "epci_type", "code_insee", "population_municipale"),
            not_null("epci_siren"), matches("epci_siren", SIREN, what="SIREN"),
            not_null("code_insee"), matches("code_insee", COMMUNE, what="code commune INSEE"),
            unique_together("epci_siren", "code_insee"),
            count("population_municipale"),
            rows(34_000, 36_500),
        ), "DGCL 2026 : communes membres des EPCI et EPT"),
        Suite("cog_communes_2023", (
            columns("typecom", "com", "reg", "dep", "libelle", "comparent"),
            not_null("com"), matches("com", COMMUNE, what="code commune INSEE"),
            unique_together("com", "typecom"),
            *key("com", where=("typecom", "COM")),
            in_set("typecom", ("COM", "COMA", "COMD", "ARM")),
            not_null("libelle"),
            rows(34_000, 36_000, where=("typecom", "COM")),
        ), "COG 2023 (géographie de Filosofi 2021)"),
        Suite("cog_mouvements", (
            columns("mod", "date_eff", "com_av", "com_ap", "typecom_ap"),
            not_null("mod"), not_null("date_eff"), not_null("com_ap"),
            unique_together("mod", "date_eff", "typecom_av", "com_av", "typecom_ap", "com_ap"),
            matches("date_eff", r"^(?:19[4-9]\d|20\d{2})-\d{2}-\d{2}$", what="date AAAA-MM-JJ"),
            matches("com_av", COMMUNE, what="code commune INSEE"),
            matches("com_ap", COMMUNE, what="code commune INSEE"),
            rows(10_000, 25_000),
        ), "COG 2023 : mouvements de communes"),
        Suite("filosofi_communes_2021", (
            columns("codgeo", "nbmenfisc21", "nbpersmenfisc21", "med21", "pimp21", "tp6021", "d121", "d921",
                    "rd21"),
            *key("codgeo", COMMUNE, what="code commune INSEE"),
            count("nbmenfisc21"), count("nbpersmenfisc21"),
            between("med21", 1_000, 200_000, what=PLAUSIBLE_MEDIAN),
            rate("pimp21"), rate("tp6021"),
            *(rate(f"tp60age{i}21") for i in range(1, 7)),
            rate("tp60tol121"), rate("tp60tol221"),
            between("d121", 0, None), between("d921", 0, None), between("rd21", 1, None),
            rows(30_000, 36_000),
        ), "Filosofi 2021 par commune"),
        Suite("filosofi_pauvrete_departements_2021", (
            columns("codgeo", "tp4021", "tp5021", "tp6021"),
            *key("codgeo", DEPARTEMENT, what="code département"),
            rate("tp4021"), rate("tp5021"), rate("tp6021"),
            rows(90, 110),
        ), "Filosofi 2021 : taux de pauvreté par département"),
        Suite("filosofi_revenus_2019", (
            columns("niveau", "codgeo", "libgeo", "nbmen19", "nbpers19", "q219"),
            not_null("codgeo"), not_null("niveau"),
            in_set("niveau", ("departement", "epci", "region", "france")),
            unique_together("niveau", "codgeo"),
            matches("codgeo", DEPARTEMENT, where=("niveau", "departement"), what="code département"),
            matches("codgeo", SIREN, where=("niveau", "epci"), what="SIREN"),
            matches("codgeo", REGION, where=("niveau", "region"), what="code région"),
            count("nbmen19"), count("nbpers19"),
            between("q219", 1_000, 200_000, what=PLAUSIBLE_MEDIAN),
            rows(1_200, 1_500),
        ), "Filosofi 2019 par département, EPCI, région et France métropolitaine"),
        Suite("filosofi_revenus_series", (
            columns("annee", "niveau", "codgeo", "q2"),
            not_null("codgeo"), not_null("annee"),
            unique_together("niveau", "codgeo", "annee"),
            between("annee", 2014, 2018),
            matches("codgeo", DEPARTEMENT, where=("niveau", "departement"), what="code département"),
            count("nbmen"), count("nbpers"),
            between("q2", 1_000, 200_000, what=PLAUSIBLE_MEDIAN),
            rows(450, 550),
        ), "Filosofi 2014-2018 par département"),
        Suite("filosofi_iris_2021", (
            columns("iris", "code_commune", "dec_tp6021", "dec_pimp21", "dec_med21"),
            *key("iris", IRIS, what="code IRIS"),
            not_null("code_commune"), matches("code_commune", COMMUNE, what="code commune INSEE"),
            rate("dec_tp6021"), rate("dec_pimp21"),
            between("dec_med21", 0, None),
            rows(14_000, 18_000),
        ), "Filosofi 2021 : revenus déclarés par IRIS"),
        Suite("rp_comparateur_2022", (
            columns("codgeo", "p22_pop", "p22_men", "p22_pop1564", "p22_chom1564", "p22_act1564", "med21",
                    "tp6021", "pimp21", "superf"),
            *key("codgeo", COMMUNE, what="code commune INSEE"),
            *(count(c) for c in ("p22_pop", "p16_pop", "p22_men", "p22_log", "p22_rp", "p22_pop1564",
                                 "p22_chom1564", "p22_act1564", "p22_emplt", "nbmenfisc21", "ettot24")),
            rate("pimp21"), rate("tp6021"),
            between("med21", 1_000, 200_000, what=PLAUSIBLE_MEDIAN),
            between("superf", 0, None),
            rows(30, 36_000),
        ), "Comparateur de territoires, RP 2022 (snapshot : Seine-Saint-Denis)"),
        Suite("rp_dossier_complet_2022", (
            columns("codgeo", "p22_pop0014", "c22_menfam", "c22_fammono", "p22_act1524", "p22_chom1524"),
            *key("codgeo", COMMUNE, what="code commune INSEE"),
            *(count(c) for c in ("p22_pop0014", "p22_pop1529", "p22_pop3044", "p22_pop4559", "p22_pop6074",
                                 "p22_pop7589", "p22_pop90p", "c22_menpseul", "c22_menfam", "c22_coupaenf",
                                 "c22_fammono", "c22_coupsenf", "p22_act1524", "p22_act2554", "p22_act5564",
                                 "p22_chom1524", "p22_chom2554", "p22_chom5564")),
            rows(30, 36_000),
        ), "Dossier complet, RP 2022 (snapshot : Seine-Saint-Denis)"),
        Suite("rp_comparateur_2021", (
            columns("insee_com", "commune_type", "insee_dep", "codes_postaux", "population_2021",
                    "menages_2021",
                    "pop_15_64_totale_2021", "pop_15_64_chomage_2021", "pop_15_64_active_2021"),
            not_null("insee_com"), matches("insee_com", COMMUNE, what="code commune INSEE"),
            unique_together("insee_com", "commune_type"),
            in_set("commune_type", ("COM", "COMD", "ARM")),
            not_null("insee_dep", where=("commune_type", "COM")),
            matches("insee_dep", DEPARTEMENT, what="code département"),
            not_null("insee_parente", where=("commune_type", "ARM")),
            matches("codes_postaux", r"^\d{5}(?:\|\d{5})*$", what="codes postaux séparés par « | »"),
            *(count(c) for c in ("population_2021", "population_2015", "menages_2021", "naissances_2022",
                                 "deces_2022", "pop_15_64_totale_2021", "pop_15_64_chomage_2021",
                                 "pop_15_64_active_2021")),
            rows(34_000, 36_000, where=("commune_type", "COM")),
            rows(34_500, 37_500),
        ), "Recensement 2021, toutes les communes (géographie 2024)"),
        Suite("estimations_population_departements", (
            columns("annee", "dep", "sexe", "a0_4", "atotal"),
            not_null("annee"), not_null("dep"), not_null("sexe"),
            unique_together("annee", "dep", "sexe"),
            matches("dep", DEPARTEMENT, what="code département"),
            in_set("sexe", ("ensemble", "hommes", "femmes")),
            between("annee", 2010, 2030),
            *(count(c) for c in AGE_BANDS),
            between("atotal", 1, None),
            rows(2_000, 2_200),
        ), "Estimations de population par département, sexe et âge"),
        Suite("neet", (
            columns("niveau", "codgeo", "annee", "part_non_inseres"),
            not_null("niveau"), not_null("codgeo"), not_null("annee"),
            unique_together("niveau", "codgeo", "annee"),
            in_set("niveau", ("commune", "epci", "departement", "region")),
            matches("codgeo", COMMUNE, where=("niveau", "commune"), what="code commune INSEE"),
            matches("codgeo", SIREN, where=("niveau", "epci"), what="SIREN"),
            matches("codgeo", DEPARTEMENT, where=("niveau", "departement"), what="code département"),
            matches("codgeo", REGION, where=("niveau", "region"), what="code région"),
            rate("part_non_inseres"),
            between("annee", 2000, 2030),
            rows(100_000, 120_000),
            rows(95_000, 115_000, where=("niveau", "commune")),
        ), "Part des 15-24 ans non insérés (NEET)"),
        Suite("caf_iris_2020", (
            columns("codgeo", "code_commune", "a", "am", "aaah", "appa", "arsas", "aal"),
            *key("codgeo", IRIS, what="code IRIS"),
            not_null("code_commune"), matches("code_commune", COMMUNE, what="code commune INSEE"),
            in_set("note", (0, 1, 2, 3, 4, 5)),
            *(count(c) for c in ("a", "percou", "ai", "am", "acssenf", "acavenf", "ac3enf", "enf", "a_etud",
                                 "a_netud_24", "aal", "aapl", "aaah", "appa", "arsas")),
            rows(12_000, 15_000),
        ), "CNAF 2020 par IRIS"),
        Suite("cnaf_taux_couverture_communes", (
            columns("annee", "code_commune", "nom_commune", "code_epci", "code_departement",
                    "taux_de_couv_eaje_ensemble", "taux_de_couv_global"),
            not_null("annee"), not_null("code_commune"),
            matches("code_commune", COMMUNE, what="code commune INSEE"),
            unique_together("annee", "code_commune"),
            between("annee", 2010, 2030),
            matches("code_epci", SIREN, what="SIREN"),
            # places per 100 children under 3: above 100 is possible (a place serves several children)
            *(between(c, 0, 300, what="taux de couverture plausible (0 à 300 places pour 100 enfants)")
              for c in ("taux_de_couv_eaje_psu", "taux_de_couv_hors_eaje_psu", "taux_de_couv_eaje_ensemble",
                        "taux_de_couv_prescolarisation", "taux_de_couv_assistante_maternelle",
                        "taux_de_couv_salariee_a_domicile", "taux_de_couv_accueil_individuel_ensemble",
                        "taux_de_couv_global")),
            not_null("taux_de_couv_global"),
            rows(5_000, 8_000),
        ), "CNAF : taux de couverture petite enfance par commune"),
        Suite("te_cadre_urbain_59_62", (
            columns("code_insee", "dep", "population_municipale", "part_menages_sans_voiture"),
            *key("code_insee", COMMUNE, what="code commune INSEE"),
            in_set("dep", ("59", "62")),
            count("population_municipale"),
            *(rate(c) for c in ("part_logts_vacants", "part_maisons", "part_proprietaires", "part_hlm",
                                "part_menages_sans_voiture", "part_menages_2voit_plus")),
            not_null("part_menages_sans_voiture"),
            rows(400, 500),
        ), "Logement et motorisation, 411 communes du Nord et du Pas-de-Calais (dérivé par un tiers)"),
        Suite("te_dpe_59_62", (
            columns("code_insee", "dep", "dpe_n", "part_passoires_pct"),
            *key("code_insee", COMMUNE, what="code commune INSEE"),
            in_set("dep", ("59", "62")),
            not_null("dpe_n"), count("dpe_n"), count("population_municipale"),
            *(rate(c) for c in ("part_passoires_pct", "part_dpe_g_pct", "part_dpe_abc_pct")),
            not_null("part_passoires_pct"),
            rows(400, 500),
        ), "DPE des logements diagnostiqués, 411 communes du Nord et du Pas-de-Calais (dérivé par un tiers)"),
        Suite("qpv_communes_2024", (
            columns("code_qp", "lib_qp", "insee_com", "dep"),
            not_null("code_qp"), matches("code_qp", QPV_2024, what="code QPV 2024 (QN…)"),
            not_null("insee_com"), matches("insee_com", COMMUNE, what="code commune INSEE"),
            unique_together("code_qp", "insee_com"),
            not_null("lib_qp"),
            matches("dep", DEPARTEMENT, what="code département"),
            rows(1_400, 2_000),
        ), "Liste des QPV 2024 et leurs communes"),
        Suite("qpv_demographie_2015", (
            columns("codgeo", "pop_mun", "tx_tot_0a24", "tx_tot_et", "a", "am"),
            *key("codgeo", QPV_2015, what="code QPV 2015 (QP…)"),
            count("pop_mun"), count("pop_com"),
            *(rate(c) for c in ("tx_f", "tx_tot_0a24", "tx_f_0a24", "tx_tot_60etplus", "tx_f_60etplus",
                                "tx_tot_men1", "tx_tot_men6", "tx_tot_et", "tx_f_et")),
            *(count(c) for c in ("a", "percou", "am", "ai", "acssenf", "acavenf", "ac3enf", "enf")),
            rows(1_300, 1_550),
        ), "ONPV 2022, QPV 2015 : démographie"),
        Suite("qpv_revenus_2015", (
            columns("codgeo", "tp60", "disp_q2", "a", "appa", "arsas", "aaah"),
            *key("codgeo", QPV_2015, what="code QPV 2015 (QP…)"),
            rate("tp60"), rate("pmimp"), rate("brev"),
            between("disp_q2", 1_000, 200_000, what=PLAUSIBLE_MEDIAN),
            *(count(c) for c in ("c", "c_c2snp", "c_c2sp", "a", "appa", "arsas", "aaah")),
            rows(1_250, 1_550),
        ), "ONPV 2022, QPV 2015 : revenus et prestations"),
        Suite("qpv_insertion_2015", (
            columns("codgeo", "tx_tot_empl", "abc", "abc_rsa", "a"),
            *key("codgeo", QPV_2015, what="code QPV 2015 (QP…)"),
            *(rate(c) for c in ("tx_tot_empl", "tx_f_empl", "tx_et_empl", "tx_tot_edlim", "tx_f_edlim",
                                "tx_et_edlim")),
            *(count(c) for c in ("ca", "abcde", "abc", "abc_rsa", "a", "abc_25", "abc_50")),
            rows(1_250, 1_550),
        ), "ONPV 2022, QPV 2015 : emploi et demandeurs d'emploi"),
        Suite("ft_demandeurs_emploi_communes", (
            columns("code_insee", "nom_commune", "nb_demandeurs_emploi"),
            *key("code_insee", COMMUNE, what="code commune INSEE"),
            count("nb_demandeurs_emploi"),
            rows(34_000, 36_000),
        ), "France Travail : demandeurs d'emploi par commune"),
        Suite("ft_clpe_communes", (
            columns("commune_id", "territoire_id", "territoire_libelle", "departement_id", "region_id"),
            *key("commune_id", COMMUNE, what="code commune INSEE"),
            not_null("territoire_id"), matches("territoire_id", CLPE, what="code CLPE"),
            matches("departement_id", DEPARTEMENT, what="code département"),
            # published without the leading zero of the overseas régions (1 for Guadeloupe)
            matches("region_id", r"^\d{1,3}$", what="code région tel que publié (1 à 3 chiffres)"),
            rows(34_000, 36_000),
        ), "France Travail : communes des CLPE"),
        Suite("ft_bassins_emploi_communes", (
            columns("dep", "bassin_emploi", "code_insee"),
            *key("code_insee", COMMUNE, what="code commune INSEE"),
            not_null("bassin_emploi"),
            matches("dep", DEPARTEMENT, what="code département"),
            rows(34_000, 36_000),
        ), "Bassins d'emploi par commune"),
        Suite("anct_grille_densite", (
            columns("insee_com", "niveau_densite"),
            *key("insee_com", COMMUNE, what="code commune INSEE"),
            not_null("niveau_densite"),
            in_set("niveau_densite", [r["niveau"] for r in seed_rows("grille_densite_niveaux")]),
            rows(34_000, 36_000),
        ), "Grille communale de densité à 7 niveaux"),
        Suite("anct_grille_ruralite", (
            columns("insee_com", "niveau_ruralite"),
            *key("insee_com", COMMUNE, what="code commune INSEE"),
            not_null("niveau_ruralite"),
            rows(34_000, 36_000),
        ), "Typologie des ruralités ANCT"),
        Suite("anct_grille_centralite", (
            columns("insee_com", "niveau_centralite"),
            *key("insee_com", COMMUNE, what="code commune INSEE"),
            not_null("niveau_centralite", mostly=0.99),
            in_set("niveau_centralite", ("Centre majeur d'équipements et de services",
                                         "Centre structurant d'équipements et de services",
                                         "Centre intermédiaire d'équipements et de services",
                                         "Centre local d'équipements et de services", "Communes non centre")),
            rows(34_000, 36_000),
        ), "Niveaux de centralité ANCT-INRAE"),
        Suite("dora_stats_insertion_departements", (
            columns("code_departement", "num_accompagnateurs", "num_dea_brsa", "num_brsa_202309"),
            *key("code_departement", DEPARTEMENT, what="code département"),
            *(count(c) for c in ("num_accompagnateurs", "num_dea_brsa", "num_conseillers_ft_les_emplois",
                                 "num_dea_202309", "num_brsa_202309")),
            rows(90, 110),
        ), "GIP de l'inclusion : demandeurs d'emploi, BRSA et accompagnateurs par département"),
        # supply side (issue 10): early childhood, BPE 2018, food aid
        Suite("cnaf_places_petite_enfance_communes", (
            columns("annee", "code_commune", "code_departement_cnaf", "places_eaje_ensemble",
                    "places_offertes_ensemble"),
            not_null("annee"), not_null("code_commune"),
            matches("code_commune", COMMUNE, what="code commune INSEE"),
            unique_together("annee", "code_commune"),
            between("annee", 2010, 2035, what="année de référence plausible"),
            *(count(c) for c in ("places_eaje_psu", "places_hors_eaje_psu", "places_eaje_ensemble",
                                 "places_prescolarisation", "places_assistante_maternelle",
                                 "places_salariee_domicile", "places_accueil_individuel_ensemble",
                                 "places_offertes_ensemble")),
            rows(5_000, 8_000),
        ), "CNAF : places d'accueil des moins de 3 ans par commune de plus de 10 000 habitants"),
        Suite("drees_accueil_jeune_enfant_departements", (
            columns("tableau", "code_territoire_drees", "annee", "valeur"),
            not_null("tableau"), not_null("code_territoire_drees"), not_null("annee"),
            in_set("tableau", ("tab23", "tab24", "tab27", "tab28", "tab32", "tab33")),
            unique_together("tableau", "code_territoire_drees", "annee"),
            count("valeur"),
            rows(5_000, 8_000),
        ), "DREES : accueil du jeune enfant par département"),
        Suite("bpe_2018_equipements", (
            columns("code_commune_2018", "type_equipement", "nb_equipements", "code_departement"),
            not_null("code_commune_2018"), not_null("type_equipement"), not_null("nb_equipements"),
            matches("code_commune_2018", COMMUNE, what="code commune INSEE"),
            matches("type_equipement", r"^[A-G]\d{3}$", what="type d'équipement BPE"),
            unique_together("code_commune_2018", "type_equipement"),
            count("nb_equipements"),
            rows(600_000, 700_000),
        ), "INSEE : base permanente des équipements 2018 par commune et type"),
        Suite("offre_structures__aide_alimentaire", (
            columns("id", "nom", "famille", "code_postal", "longitude", "latitude"),
            *key("id"),
            not_null("famille"),
            in_set("famille", ("epicerie_partenaire_ba", "epicerie_andes", "epicerie_ugess",
                               "epicerie_etudiante", "banque_alimentaire", "antenne_ba")),
            matches("code_postal", r"^\d{5}$", what="code postal à 5 chiffres"),
            between("longitude", -180, 180, what="longitude WGS84"),
            between("latitude", -90, 90, what="latitude WGS84"),
            rows(1_500, 2_200),
        ), "Banques Alimentaires : épiceries sociales et solidaires, banques alimentaires"),
    ]
    return {suite.table: suite for suite in suites}


SUITES: dict[str, Suite] = _suites()


# --------------------------------------------------------------------------------------------
# Running a suite with Great Expectations (imported lazily).
# --------------------------------------------------------------------------------------------

def _import_gx():
    """Import Great Expectations with analytics disabled (never at module import)."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return gx, gxe, Column


def _to_gx(expectation: Expectation, index: int, gxe, Column):  # noqa: N803 (GE class passed in)
    meta = {"pacte_index": index}
    extra: dict[str, Any] = {"meta": meta}
    if expectation.where is not None:
        extra["row_condition"] = Column(expectation.where[0]) == expectation.where[1]
    if "mostly" in expectation.params:
        extra["mostly"] = expectation.params["mostly"]
    kind, column, params = expectation.kind, expectation.column, expectation.params
    if kind == "columns":
        return gxe.ExpectTableColumnsToMatchSet(column_set=list(params["columns"]), exact_match=False,
                                                meta=meta)
    if kind == "not_null":
        return gxe.ExpectColumnValuesToNotBeNull(column=column, **extra)
    if kind == "unique":
        return gxe.ExpectColumnValuesToBeUnique(column=column, **extra)
    if kind == "unique_together":
        return gxe.ExpectCompoundColumnsToBeUnique(column_list=list(params["columns"]), **extra)
    if kind == "regex":
        return gxe.ExpectColumnValuesToMatchRegex(column=column, regex=params["regex"], **extra)
    if kind == "between":
        return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=params["min"],
                                                 max_value=params["max"], **extra)
    if kind == "in_set":
        return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(params["values"]), **extra)
    return gxe.ExpectTableRowCountToBeBetween(min_value=params["min"], max_value=params["max"], **extra)


def _sample(frame: pd.DataFrame, indices: Sequence[Any], expectation: Expectation) -> list[dict[str, Any]]:
    """The failing rows (source line and the columns involved), JSON-ready."""
    wanted = list(dict.fromkeys(c for c in ("_line", *expectation.columns_used) if c in frame.columns))
    present = [i for i in list(indices)[:SAMPLE_ROWS] if i in frame.index]
    if not present or not wanted:
        return []
    return json.loads(frame.loc[present, wanted].to_json(orient="records", force_ascii=False,
                                                         default_handler=str))


def _examples(values: Sequence[Any]) -> str:
    cleaned = [None if isinstance(v, float) and math.isnan(v) else v for v in list(values)[:5]]
    return json.dumps(cleaned, ensure_ascii=False, default=str)


def _observed(expectation: Expectation, result: Mapping[str, Any], exception: str | None) -> str:
    if exception:
        return f"erreur d'évaluation : {exception}"
    if expectation.kind == "columns":
        missing = result.get("details", {}).get("mismatched", {}).get("missing", [])
        return f"colonnes manquantes : {', '.join(missing)}" if missing else "colonnes manquantes"
    if expectation.kind == "rows":
        return f"{result.get('observed_value')} lignes"
    total = result.get("element_count")
    bad = result.get("unexpected_count")
    share = ""
    if "unexpected_percent" in result:
        share = f" ({result['unexpected_percent']:.2f} % des valeurs non nulles)"
    examples = _examples(result.get("partial_unexpected_list") or [])
    return f"{bad} ligne(s) en échec sur {total}{share} ; exemples : {examples}"


def validate_frame(
    suite: Suite, frame: pd.DataFrame, skip_kinds: Iterable[str] = ()
) -> SuiteOutcome:
    """Run ``suite`` on ``frame`` with Great Expectations and collect the failures.

    Expectations on columns absent from the frame fail with « colonne absente » without
    reaching Great Expectations. ``skip_kinds`` leaves out some kinds (e.g. ``rows`` on
    a small test frame).

    Examples
    --------
    >>> frame = pd.DataFrame({"reg": ["11", "11", "x"], "nom": ["A", "B", None],
    ...                       "chef_lieu": ["75056", None, None], "zone": ["metro"] * 3})
    >>> outcome = validate_frame(SUITES["cog_regions"], frame, skip_kinds=["rows"])
    >>> sorted(f.expectation for f in outcome.failures)
    ['nom renseigné', 'reg au format code région', 'reg unique']
    """
    skip = set(skip_kinds)
    chosen = [e for e in suite.expectations if e.kind not in skip]
    failures: list[Failure] = []
    runnable: list[tuple[int, Expectation]] = []
    for index, expectation in enumerate(chosen):
        missing = [c for c in expectation.columns_used if c not in frame.columns]
        if missing and expectation.kind != "columns":
            failures.append(Failure(suite.table, expectation.label, expectation.kind, expectation.column,
                                    _where_text(expectation.where).strip(" ()") or None,
                                    f"colonne absente : {', '.join(missing)}"))
        else:
            runnable.append((index, expectation))
    if runnable:
        failures.extend(_run_gx(suite, frame, runnable))
    order = {e.label: i for i, e in enumerate(chosen)}
    failures.sort(key=lambda f: order.get(f.expectation, len(order)))
    return SuiteOutcome(suite.table, len(chosen), len(frame), failures)


def _run_gx(suite: Suite, frame: pd.DataFrame, runnable: list[tuple[int, Expectation]]) -> list[Failure]:
    gx, gxe, Column = _import_gx()  # noqa: N806
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    batch = (
        context.data_sources.add_pandas("pacte_raw")
        .add_dataframe_asset(suite.table)
        .add_batch_definition_whole_dataframe("table_entiere")
    )
    gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name))
    by_index = dict(runnable)
    for index, expectation in runnable:
        gx_suite.add_expectation(_to_gx(expectation, index, gxe, Column))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"validation_{suite.table}", data=batch, suite=gx_suite)
    )
    result = validation.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_ROWS},
    )
    failures = []
    for item in result.results:
        if item.success:
            continue
        expectation = by_index[item.expectation_config.meta["pacte_index"]]
        info = item.exception_info or {}
        exception = None
        if info.get("raised_exception"):
            exception = str(info.get("exception_message"))
        else:
            for value in info.values():
                if isinstance(value, dict) and value.get("raised_exception"):
                    exception = str(value.get("exception_message"))
                    break
        res = dict(item.result or {})
        failures.append(Failure(
            suite.table, expectation.label, expectation.kind, expectation.column,
            _where_text(expectation.where).strip(" ()") or None,
            _observed(expectation, res, exception),
            res.get("unexpected_count"),
            _sample(frame, res.get("partial_unexpected_index_list") or [], expectation),
        ))
    return failures


def suite_fingerprint(suite: Suite) -> str:
    """A digest of the suite's expectations and of the Great Expectations version running them.

    Examples
    --------
    >>> suite_fingerprint(SUITES["cog_regions"]) == suite_fingerprint(SUITES["cog_regions"])
    True
    >>> suite_fingerprint(SUITES["cog_regions"]) == suite_fingerprint(SUITES["cog_departements"])
    False
    """
    from importlib.metadata import version

    text = f"{suite!r}|great_expectations {version('great_expectations')}"
    return hashlib.sha256(text.encode()).hexdigest()


def table_fingerprint(con, table: str, schema: str = "raw") -> str:
    """A digest of ``schema.table``: column names and types, row count, order-free hash of the rows.

    ``_loaded_at`` is left out: reloading the same rows gives the same fingerprint.
    """
    described = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position", [schema, table]
    ).fetchall()
    names = [name for name, _ in described]
    excluded = " exclude (_loaded_at)" if "_loaded_at" in names else ""
    count, digest = con.execute(
        f'select count(*), sum(hash(*columns(*{excluded})))::hugeint from {schema}."{table}"'
    ).fetchone()
    text = json.dumps([described, count, str(digest)])
    return hashlib.sha256(text.encode()).hexdigest()


def _ensure_tables(con) -> None:
    from ingest.warehouse import ensure_schemas

    ensure_schemas(con)
    con.execute(
        f"""create table if not exists {FAILURES_TABLE} (
            table_name varchar, expectation varchar, kind varchar, column_name varchar,
            row_condition varchar, observed varchar, unexpected_count bigint, sample_rows varchar,
            checked_at timestamp)"""
    )
    con.execute(
        f"""create table if not exists {RUNS_TABLE} (
            table_name varchar, expectations_evaluated integer, expectations_failed integer,
            rows_checked bigint, checked_at timestamp)"""
    )
    for column in ("table_fingerprint", "suite_fingerprint"):
        con.execute(f"alter table {RUNS_TABLE} add column if not exists {column} varchar")


def previous_pass(con, table: str, table_print: str, suite_print: str) -> dt.datetime | None:
    """When the same suite last passed on an identical table (same fingerprints), else ``None``."""
    _ensure_tables(con)
    row = con.execute(
        f"select max(checked_at) from {RUNS_TABLE} where table_name = ? and expectations_failed = 0 "
        "and table_fingerprint = ? and suite_fingerprint = ?", [table, table_print, suite_print]
    ).fetchone()
    return row[0] if row else None


def write_failures(con, outcome: SuiteOutcome, table_print: str | None = None,
                   suite_print: str | None = None) -> int:
    """Record a suite run in the warehouse; return the number of failed expectations.

    ``quarantine.attentes_echouees`` gets one row per failed expectation (observed value,
    number of failing rows, JSON sample of the rows with their source line) and
    ``quarantine.attentes_verifications`` one row per table (last run, with the table and
    suite fingerprints); both replace the earlier rows of the same table.
    """
    _ensure_tables(con)
    checked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(f"delete from {FAILURES_TABLE} where table_name = ?", [outcome.table])
    con.execute(f"delete from {RUNS_TABLE} where table_name = ?", [outcome.table])
    con.execute(
        f"insert into {RUNS_TABLE} (table_name, expectations_evaluated, expectations_failed, rows_checked, "
        "checked_at, table_fingerprint, suite_fingerprint) values (?, ?, ?, ?, ?, ?, ?)",
        [outcome.table, outcome.evaluated, len(outcome.failures), outcome.rows, checked_at, table_print,
         suite_print],
    )
    if outcome.failures:
        insert_rows(
            con,
            FAILURES_TABLE,
            [
                (f.table, f.expectation, f.kind, f.column, f.row_condition, f.observed, f.unexpected_count,
                 json.dumps(f.sample, ensure_ascii=False, default=str), checked_at)
                for f in outcome.failures
            ],
        )
    return len(outcome.failures)
