"""Readers of the second pass of need data (PROVENANCE.md §12): census 2021 for every commune,
CNAF childcare coverage rates, Nord / Pas-de-Calais housing and energy tables. Real lines of
each file plus broken ones, then the real files (snapshot checks of PROVENANCE.md)."""

from __future__ import annotations

import pandas as pd
import pytest
from _lecteurs import FIXTURES, one, read_fixture

from ingest import couverture_petite_enfance, recensement, transition_ecologique


def test_rp2021_one_row_per_commune_and_type_with_its_postcodes():
    lines = [(20, "insee_com"), (21, "pop_15_64_chomage_2021"), (22, "pop_15_64_chomage_2021"), (24, "")]
    result = read_fixture(
        recensement.read_comparateur_2021,
        {"datasfun_communes_rp2021_comparateur.csv": [*lines, (23, "population_2021")]},
        table="rp_comparateur_2021",
    )
    reasons = {q.line: q.reason for q in result.quarantine}
    assert reasons[22] == "unemployed 15-64 (34000) exceed the active 15-64 (24000)"
    assert reasons[23] == (
        "differs from line 8 of the same commune (236711 against 236710); the first line is kept")
    assert reasons[24] == "expected 19 fields, found 12"
    frame = result.frame
    assert len(frame) == 12
    lille = one(frame, insee_com="59350")
    assert lille["codes_postaux"] == "59000|59160|59260|59777|59800"
    assert (lille["population_2021"], lille["pop_15_64_chomage_2021"], lille["pop_15_64_active_2021"]) == (
        236710, 19937, 118017)
    assert one(frame, insee_com="93066")["codes_postaux"] == "93200|93210"
    # the commune déléguée keeps its own row (type COMD), apart from its commune nouvelle
    assert one(frame, insee_com="01015", commune_type="COMD")["insee_parente"] == "01015"
    assert one(frame, insee_com="01015", commune_type="COM")["insee_dep"] == "01"
    paris_1 = one(frame, insee_com="75101")
    assert (paris_1["commune_type"], paris_1["insee_parente"]) == ("ARM", "75056")
    assert str(frame["population_2021"].dtype) == "Int64"


def test_rp2021_zeros_written_for_unpublished_figures_become_null():
    frame = recensement.read_comparateur_2021(FIXTURES).frame
    detail = ["menages_2021", "pop_15_64_totale_2021", "pop_15_64_chomage_2021", "pop_15_64_active_2021"]
    acoua = one(frame, insee_com="97601")  # Mayotte: 0 inhabitants written, 163 births
    assert pd.isna(acoua["population_2021"]) and pd.isna(acoua["pop_15_64_active_2021"])
    assert set(acoua["_indisponible"]) == {"superficie_km2", "population_2021", "population_2015", *detail}
    talican = one(frame, insee_com="60694")  # restored in 2024: population but no detail
    assert talican["population_2021"] == 543 and pd.isna(talican["menages_2021"])
    assert talican["_indisponible"] == ["lat", "lng", *detail]
    village = one(frame, insee_com="55039")  # a « village mort pour la France »: a real zero
    assert village["population_2021"] == 0 and village["pop_15_64_active_2021"] == 0
    assert village["_indisponible"] == []


def test_rp2021_a_missing_file_is_one_quarantine_line(tmp_path):
    result = recensement.read_comparateur_2021(tmp_path)
    assert result.rows == 0 and [q.line for q in result.quarantine] == [0]
    assert "file not found" in result.quarantine[0].reason


def test_cnaf_coverage_bom_cnaf_departement_codes_and_bad_rows():
    lines = [(10, "taux_de_couv_eaje_ensemble"), (11, "taux_de_couv_global"), (12, "numero_commune")]
    result = read_fixture(
        couverture_petite_enfance.read_taux_couverture_communes,
        {"cnaf_txcouv_pe_com_2017_2022.csv": [*lines, (13, "taux_de_couv_global")]},
        table="cnaf_taux_couverture_communes",
    )
    reasons = [q.reason for q in result.quarantine]
    assert reasons[0] == "EAJE rate 25.1 is not EAJE PSU + hors PSU (21.1)"
    assert reasons[1] == "negative rate -2.0"
    assert reasons[3] == "not a number: 'n.c.'"
    frame = result.frame
    assert list(frame.columns[:3]) == ["_line", "annee", "code_commune"], "the BOM is not part of the header"
    saint_denis = one(frame, code_commune="93066", annee=2022)
    assert saint_denis["taux_de_couv_global"] == 35.7 and saint_denis["taux_de_couv_eaje_ensemble"] == 21.5
    assert one(frame, code_commune="59350", annee=2022)["taux_de_couv_global"] == 67.4
    # CNAF département codes 69M / 20R are kept as published; XX (no EPCI) is unavailable
    assert one(frame, code_commune="69034")["code_departement"] == "69M"
    assert one(frame, code_commune="2A004")["code_departement"] == "20R"
    barth = one(frame, code_commune="97701")
    assert pd.isna(barth["code_epci"]) and "code_epci" in barth["_indisponible"]


def test_transition_ecologique_tables_and_bad_rows():
    cadre = read_fixture(
        transition_ecologique.read_cadre_urbain_59_62,
        {"cadre_urbain_communes_candidates_59_62.csv": [(6, "part_menages_sans_voiture"), (7, "dep")]},
    )
    assert cadre.quarantine[0].reason == "share 130.5 outside 0-100"
    assert one(cadre.frame, code_insee="59350")["part_menages_sans_voiture"] == 45.2
    dpe = read_fixture(
        transition_ecologique.read_dpe_59_62,
        {"dpe_communes_candidates_59_62.csv": [(6, "dans_MEL"), (7, "dpe_n")]},
    )
    roubaix = one(dpe.frame, code_insee="59512")
    assert (roubaix["dpe_n"], roubaix["part_passoires_pct"], roubaix["dans_mel"]) == (25107, 7.1, "True")


@pytest.mark.snapshot
def test_real_rp2021_population_checks_of_provenance(data_dir):
    result = recensement.read_comparateur_2021(data_dir)
    assert not result.quarantine
    frame = result.frame
    assert len(frame) == 35_549
    communes = frame[frame["commune_type"] != "COMD"]
    sums = communes.groupby("insee_dep")["population_2021"].sum()
    assert {d: int(sums[d]) for d in ("59", "93", "974", "2A", "2B")} == {
        "59": 2_611_293, "93": 1_668_670, "974": 871_157, "2A": 162_942, "2B": 184_655}
    assert "75056" not in set(frame["insee_com"]), "Paris only by arrondissement"


@pytest.mark.snapshot
def test_real_cnaf_coverage(data_dir):
    result = couverture_petite_enfance.read_taux_couverture_communes(data_dir)
    assert not result.quarantine and result.rows == 6_283
    assert one(result.frame, code_commune="93066", annee=2022)["taux_de_couv_global"] == 35.7
    assert one(result.frame, code_commune="59350", annee=2022)["taux_de_couv_global"] == 67.4


@pytest.mark.snapshot
def test_real_transition_ecologique(data_dir):
    for result in (transition_ecologique.read_cadre_urbain_59_62(data_dir),
                   transition_ecologique.read_dpe_59_62(data_dir)):
        assert not result.quarantine and result.rows == 411
        assert result.frame["dep"].value_counts().to_dict() == {"59": 266, "62": 145}


@pytest.mark.parametrize("module", [recensement, couverture_petite_enfance, transition_ecologique])
def test_examples_of_the_readers_hold(module):
    import doctest

    outcome = doctest.testmod(module)
    assert outcome.attempted > 0 and outcome.failed == 0
