"""The Great Expectations suites of the raw tables (ingest.expectations).

Every suite is run on a small good frame (it must pass) and, for each of its
expectations, on a copy of that frame broken on purpose in the way the expectation
guards against (it must be reported, by its label). Row-count ranges are tested on
frames built at the edges of the range. That the real snapshot passes every suite is
proven by the end-to-end build (the checks are blocking; tests/e2e/test_expectations_build.py).
"""

from __future__ import annotations

import functools
import socket
from dataclasses import replace

import pandas as pd
import pytest

from ingest.expectations import Expectation, Suite, columns, rows, validate_frame
from ingest.expectations_suites import AGE_BANDS, SUITES
from orchestration.assets.raw_besoins import SOURCES

A = "commune-actuelle"


def _frame(data: dict[str, list]) -> pd.DataFrame:
    frame = pd.DataFrame(data)
    frame.insert(0, "_line", range(2, len(frame) + 2))
    return frame


# Small frames in the shape the readers produce (real codes), valid for their suite.
GOOD: dict[str, pd.DataFrame] = {
    "cog_communes": _frame({
        "code_insee": ["93066", "93001", "93066", "75101"],
        "nom": ["Saint-Denis", "Aubervilliers", "Saint-Denis", "Paris 1er Arrondissement"],
        "type": [A, A, "commune-deleguee", "arrondissement-municipal"],
        "dep": ["93", "93", "93", "75"], "reg": ["11", "11", "11", "11"],
        "epci_siren": ["200054781", "200054781", None, None],
        "ept_siren": ["200057867", "200057867", None, None],
        "population_municipale": pd.array([150000, 90000, None, 16000], dtype="Int64"),
        "chef_lieu": [None, None, "93066", None], "commune_parente": [None, None, None, "75056"],
        "anciens_codes": ["93059", None, None, None],
    }),
    "cog_departements": _frame({
        "dep": ["93", "2A", "974", "975"], "nom": ["Seine-Saint-Denis", "Corse-du-Sud", "La Réunion", "SPM"],
        "reg": ["11", "94", "04", "975"], "chef_lieu": ["93008", "2A004", "97411", "97502"],
        "zone": ["metro", "metro", "drom", "com"],
    }),
    "cog_regions": _frame({
        "reg": ["11", "04", "975"], "nom": ["Île-de-France", "La Réunion", "Saint-Pierre-et-Miquelon"],
        "chef_lieu": ["75056", "97411", "97502"], "zone": ["metro", "drom", "com"],
    }),
    "cog_epci": _frame({
        "epci_siren": ["200054781", "200057867", "200093201"], "nom": ["MGP", "Plaine Commune", "MEL"],
        "type": ["METRO", "EPT", "METRO"],
        "population_municipale": pd.array([7000000, 440000, 1180000], dtype="Int64"),
        "nb_communes": pd.array([131, 9, 95], dtype="Int64"),
    }),
    "cog_epci_membres": _frame({
        "epci_siren": ["200054781", "200057867", "200054781"], "epci_type": ["METRO", "EPT", "METRO"],
        "code_insee": ["93066", "93066", "93001"],
        "population_municipale": pd.array([150000, 150000, 90000], dtype="Int64"),
    }),
    "cog_communes_2023": _frame({
        "typecom": ["COM", "COM", "COMD"], "com": ["93059", "93066", "01015"],
        "reg": ["11", "11", None], "dep": ["93", "93", None],
        "libelle": ["Pierrefitte-sur-Seine", "Saint-Denis", "Arbignieu"], "comparent": [None, None, "01015"],
    }),
    "cog_mouvements": _frame({
        "mod": pd.array([10, 32], dtype="Int64"), "date_eff": ["2023-01-01", "1973-01-01"],
        "typecom_av": ["COM", "COM"], "com_av": ["01015", "93066"],
        "typecom_ap": ["COM", "COM"], "com_ap": ["01015", "93066"],
    }),
    "filosofi_communes_2021": _frame({
        "codgeo": ["93066", "93001", "2A004"],
        "nbmenfisc21": [40000.0, 30000.0, 30000.0], "nbpersmenfisc21": [100000.0, 80000.0, 65000.0],
        "med21": [16000.0, 15000.0, 23000.0], "pimp21": [40.0, 35.0, 55.0], "tp6021": [36.0, 42.0, 16.0],
        **{f"tp60age{i}21": [30.0, None, 20.0] for i in range(1, 7)},
        "tp60tol121": [15.0, None, 10.0], "tp60tol221": [45.0, 50.0, 25.0],
        "d121": [8000.0, 7500.0, 11000.0], "d921": [30000.0, 28000.0, 45000.0], "rd21": [3.7, 3.7, 4.1],
    }),
    "filosofi_pauvrete_departements_2021": _frame({
        "codgeo": ["93", "974", "2A"], "tp4021": [9.0, 11.9, 5.0], "tp5021": [18.0, 24.1, 10.0],
        "tp6021": [28.4, 36.1, 18.0],
    }),
    "filosofi_revenus_2019": _frame({
        "niveau": ["departement", "epci", "region", "france"],
        "codgeo": ["93", "200054781", "11", "1"], "libgeo": ["Seine-Saint-Denis", "MGP", "IdF", "France"],
        "nbmen19": [600000.0, 3000000.0, 5000000.0, 27937964.0],
        "nbpers19": [1600000.0, 7000000.0, 12000000.0, 62973019.0],
        "q219": [18070.0, 24000.0, 24000.0, 21930.0],
    }),
    "filosofi_revenus_series": _frame({
        "annee": pd.array([2014, 2015, 2014], dtype="Int64"),
        "niveau": ["departement", "departement", "france"],
        "codgeo": ["93", "93", "1"], "nbmen": [580000.0, 585000.0, 27000000.0],
        "nbpers": [1500000.0, 1510000.0, 62000000.0], "q2": [16726.0, 16900.0, 20000.0],
    }),
    "filosofi_iris_2021": _frame({
        "iris": ["930660101", "930010102", "2A0040101"], "code_commune": ["93066", "93001", "2A004"],
        "dec_tp6021": [40.0, None, 20.0], "dec_pimp21": [30.0, 35.0, 60.0],
        "dec_med21": [12000.0, 0.0, 25000.0],
    }),
    "rp_comparateur_2022": _frame({
        "codgeo": ["93001", "93066"], "p22_pop": [89489.0, 148907.0], "p16_pop": [86061.0, 140962.0],
        "p22_men": [34990.1, 59039.1], "p22_log": [37613.9, 64113.4], "p22_rp": [34990.1, 59039.1],
        "p22_pop1564": [61280.5, 100743.3], "p22_chom1564": [7742.3, 13029.4],
        "p22_act1564": [42620.0, 70049.5],
        "p22_emplt": [35143.5, 96665.1], "nbmenfisc21": [29692.0, 45958.0], "ettot24": [3835.0, 4912.0],
        "pimp21": [36.0, 40.0], "tp6021": [42.0, 36.0], "med21": [15330.0, 16310.0], "superf": [5.76, 12.36],
    }),
    "rp_dossier_complet_2022": _frame({
        "codgeo": ["93001", "93005"],
        **{c: [1000.0, 2000.0] for c in (
            "p22_pop0014", "p22_pop1529", "p22_pop3044", "p22_pop4559", "p22_pop6074", "p22_pop7589",
            "p22_pop90p", "c22_menpseul", "c22_menfam", "c22_coupaenf", "c22_fammono", "c22_coupsenf",
            "p22_act1524", "p22_act2554", "p22_act5564", "p22_chom1524", "p22_chom2554", "p22_chom5564")},
    }),
    "rp_comparateur_2021": _frame({
        "insee_com": ["93066", "01015", "01015", "75101"], "commune_type": ["COM", "COM", "COMD", "ARM"],
        "insee_dep": ["93", "01", None, "75"], "insee_parente": [None, None, "01015", "75056"],
        "codes_postaux": ["93200|93210", "01300", "01300", "75001"],
        **{c: pd.array(v, dtype="Int64") for c, v in {
            "population_2021": [113942, 667, 667, 15919], "population_2015": [111103, 637, 637, 16545],
            "menages_2021": [46379, 303, 303, 9499], "naissances_2022": [1889, 2, 2, 160],
            "deces_2022": [624, 3, 3, 117], "pop_15_64_totale_2021": [77800, 394, 394, 11351],
            "pop_15_64_chomage_2021": [11101, 39, 39, 846], "pop_15_64_active_2021": [55167, 307, 307, 9252],
        }.items()},
    }),
    "cnaf_taux_couverture_communes": _frame({
        "annee": pd.array([2022, 2021, 2022], dtype="Int64"), "code_commune": ["93066", "93066", "59350"],
        "nom_commune": ["SAINT DENIS", "SAINT DENIS", "LILLE"],
        "code_epci": ["200054781", "200054781", None], "code_departement": ["93", "93", "59"],
        **{c: [v, v + 2, 2 * v] for c, v in (
            ("taux_de_couv_eaje_psu", 20.0), ("taux_de_couv_hors_eaje_psu", 1.5),
            ("taux_de_couv_eaje_ensemble", 21.5), ("taux_de_couv_prescolarisation", 2.8),
            ("taux_de_couv_assistante_maternelle", 10.4), ("taux_de_couv_salariee_a_domicile", 2.9),
            ("taux_de_couv_accueil_individuel_ensemble", 11.3), ("taux_de_couv_global", 35.7))},
    }),
    "te_cadre_urbain_59_62": _frame({
        "code_insee": ["59350", "62041"], "dep": ["59", "62"],
        "population_municipale": pd.array([236710, 42600], dtype="Int64"),
        "part_logts_vacants": [8.0, 10.3], "part_maisons": [19.7, 33.5], "part_proprietaires": [27.6, 33.5],
        "part_hlm": [19.7, 30.6], "part_menages_sans_voiture": [45.2, 29.0],
        "part_menages_2voit_plus": [11.2, 17.6],
    }),
    "te_dpe_59_62": _frame({
        "code_insee": ["59350", "62041"], "dep": ["59", "62"],
        "population_municipale": pd.array([236710, 42600], dtype="Int64"),
        "dpe_n": pd.array([88606, 18062], dtype="Int64"), "part_passoires_pct": [8.9, 12.0],
        "part_dpe_g_pct": [2.9, 2.1], "part_dpe_abc_pct": [37.7, 27.0],
    }),
    "estimations_population_departements": _frame({
        "annee": pd.array([2021, 2021, 2020], dtype="Int64"), "dep": ["93", "93", "93"],
        "sexe": ["ensemble", "femmes", "ensemble"],
        **{c: pd.array([100, 50, 90], dtype="Int64") for c in AGE_BANDS},
        "atotal": pd.array([2000, 1000, 1800], dtype="Int64"),
    }),
    "neet": _frame({
        "niveau": ["commune", "commune", "epci", "departement", "region"],
        "codgeo": ["93066", "93001", "200054781", "93", "11"], "annee": pd.array([2018] * 5, dtype="Int64"),
        "part_non_inseres": [25.0, 27.1, 15.0, 20.1, 16.0],
    }),
    "caf_iris_2020": _frame({
        "codgeo": ["930660101", "930010102"], "code_commune": ["93066", "93001"],
        "note": pd.array([0, 3], dtype="Int64"),
        **{c: [500.0, None] for c in ("a", "percou", "ai", "am", "acssenf", "acavenf", "ac3enf", "enf",
                                      "a_etud", "a_netud_24", "aal", "aapl", "aaah", "appa", "arsas")},
    }),
    "qpv_communes_2024": _frame({
        "code_qp": ["QN09301M", "QN09301M", "QN02A01M"], "lib_qp": ["Quartier A", "Quartier A", "Quartier B"],
        "insee_com": ["93066", "93001", "2A004"], "dep": ["93", "93", "2A"],
    }),
    "qpv_demographie_2015": _frame({
        "codgeo": ["QP093001", "QP02A001"], "pop_mun": [6490.0, 2000.0], "pop_com": [41248.0, 70000.0],
        **{c: [36.3, 20.0] for c in ("tx_f", "tx_tot_0a24", "tx_f_0a24", "tx_tot_60etplus", "tx_f_60etplus",
                                     "tx_tot_men1", "tx_tot_men6", "tx_tot_et", "tx_f_et")},
        **{c: [350.0, None] for c in ("a", "percou", "am", "ai", "acssenf", "acavenf", "ac3enf", "enf")},
    }),
    "qpv_revenus_2015": _frame({
        "codgeo": ["QP093001", "QP02A001"], "tp60": [41.4, 49.4], "pmimp": [23.6, None], "brev": [58.8, 69.6],
        "disp_q2": [14180.0, 13130.0],
        **{c: [2068.0, 751.0] for c in ("c", "c_c2snp", "c_c2sp", "a", "appa", "arsas", "aaah")},
    }),
    "qpv_insertion_2015": _frame({
        "codgeo": ["QP093001", "QP02A001"],
        **{c: [44.6, 0.0] for c in ("tx_tot_empl", "tx_f_empl", "tx_et_empl", "tx_tot_edlim", "tx_f_edlim",
                                    "tx_et_edlim")},
        **{c: [1075.0, 5.0] for c in ("ca", "abcde", "abc", "abc_rsa", "a", "abc_25", "abc_50")},
    }),
    "ft_demandeurs_emploi_communes": _frame({
        "code_insee": ["93066", "97101"], "nom_commune": ["Saint-Denis", "Les Abymes"],
        "nb_demandeurs_emploi": pd.array([12750, 0], dtype="Int64"),
    }),
    "ft_clpe_communes": _frame({
        "commune_id": ["93066", "97101"], "territoire_id": ["CLPE93001", "CLPE97104"],
        "territoire_libelle": ["Plaine Commune", "Centre Guadeloupe"], "departement_id": ["93", "971"],
        "region_id": ["11", "1"],
    }),
    "ft_bassins_emploi_communes": _frame({
        "dep": ["93", "2A"], "bassin_emploi": ["Paris", "Ajaccio"], "code_insee": ["93066", "2A004"],
    }),
    "anct_grille_densite": _frame({
        "insee_com": ["93066", "01001"],
        "niveau_densite": ["Grands centres urbains", "Rural à habitat dispersé"],
    }),
    "anct_grille_ruralite": _frame({
        "insee_com": ["93066", "01001"],
        "niveau_ruralite": ["Hors champ : DOM ou commune urbaine", "Les ruralités résidentielles mixtes"],
    }),
    "anct_grille_centralite": _frame({
        "insee_com": ["93066", "01001"],
        "niveau_centralite": ["Centre majeur d'équipements et de services", "Communes non centre"],
    }),
    "dora_stats_insertion_departements": _frame({
        "code_departement": ["93", "2A"],
        **{c: pd.array([9869, 141], dtype="Int64") for c in (
            "num_accompagnateurs", "num_dea_brsa", "num_conseillers_ft_les_emplois", "num_dea_202309",
            "num_brsa_202309")},
    }),
    # supply side (issue 10), real rows of the snapshot
    "cnaf_places_petite_enfance_communes": _frame({
        "annee": pd.array([2022, 2018, 2022], dtype="Int64"),
        "code_commune": ["59350", "93066", "93066"], "code_departement_cnaf": ["59", "93", "93"],
        **{c: pd.array(v, dtype="Int64") for c, v in {
            "places_eaje_psu": [2633, 1047, 1200], "places_hors_eaje_psu": [100, 36, 40],
            "places_eaje_ensemble": [2733, 1083, 1240], "places_prescolarisation": [120, 90, 80],
            "places_assistante_maternelle": [2200, 700, 650], "places_salariee_domicile": [104, 47, 40],
            "places_accueil_individuel_ensemble": [2304, 747, 690],
            "places_offertes_ensemble": [5157, 1920, 2010]}.items()},
    }),
    "drees_accueil_jeune_enfant_departements": _frame({
        "tableau": ["tab23", "tab23", "tab28", "tab28"], "code_territoire_drees": ["59", "93", "59", "69M"],
        "annee": pd.array([2023, 2023, 2016, 2023], dtype="Int64"),
        "valeur": [813.0, 406.0, 11070.0, 14345.0],
    }),
    "bpe_2018_equipements": _frame({
        "code_region": ["11", "32", "11"], "code_departement": ["93", "59", "75"],
        "code_commune_2018": ["93066", "59350", "75101"], "type_equipement": ["D502", "D502", "D703"],
        "nb_equipements": pd.array([40, 75, 1], dtype="Int64"),
    }),
    "offre_structures__aide_alimentaire": _frame({
        "id": ["aide_alimentaire--48f8b6cb8d46", "aide_alimentaire--1c84ccb1435f"],
        "nom": ['"Episol" Saintes', "BANQUE ALIMENTAIRE DE l'AIN"],
        "famille": ["epicerie_partenaire_ba", "banque_alimentaire"], "code_postal": ["17100", "01000"],
        "longitude": [-0.6283134, 5.2554297], "latitude": [45.7484297, 46.196843],
    }),
}


def _rows_matching(frame: pd.DataFrame, expectation: Expectation) -> list:
    if expectation.where is None:
        return list(frame.index)
    column, value = expectation.where
    return list(frame.index[frame[column] == value])


def break_frame(frame: pd.DataFrame, expectation: Expectation) -> pd.DataFrame:
    """A copy of ``frame`` that violates ``expectation`` (and may violate others)."""
    bad = frame.copy()
    idx = _rows_matching(bad, expectation)
    assert idx, f"the good frame has no row for {expectation.label}"
    kind, column, params = expectation.kind, expectation.column, expectation.params
    if kind == "columns":
        return bad.drop(columns=[params["columns"][0]])
    if kind == "not_null":
        targets = idx if "mostly" in params else idx[:1]
        bad[column] = bad[column].astype("object")
        bad.loc[targets, column] = None
    elif kind in {"unique", "unique_together"}:
        assert len(idx) >= 2, f"the good frame needs two rows for {expectation.label}"
        cols = list(params["columns"]) if kind == "unique_together" else [column]
        for col in cols:
            bad[col] = bad[col].astype("object")
            bad.loc[idx[1], col] = bad.loc[idx[0], col]
    elif kind == "regex":
        bad[column] = bad[column].astype("object")
        bad.loc[idx[0], column] = "??"
    elif kind == "in_set":
        bad[column] = bad[column].astype("object")
        bad.loc[idx[0], column] = "valeur-inconnue"
    elif kind == "between":
        value = params["max"] + 1 if params["max"] is not None else params["min"] - 1
        bad[column] = bad[column].astype("float64")
        bad.loc[idx[0], column] = value
    else:
        raise AssertionError(f"no breaker for {kind}")
    return bad


def _cases():
    for table, suite in SUITES.items():
        for expectation in suite.expectations:
            if expectation.kind != "rows":
                        yield pytest.param(table, expectation, id=f"{table}-{expectation.label}")


def test_every_raw_table_of_the_need_side_has_a_suite():
    missing = sorted({s.table for s in SOURCES} - set(SUITES))
    assert not missing, f"raw tables without a Great Expectations suite: {missing}"


@functools.lru_cache(maxsize=1)
def _cles_testees_par_dbt() -> frozenset[str]:
    """Raw tables whose key dbt tests for uniqueness: on the source itself or on a staging model
    that reads it (one owner per check, docs/architecture.md: dbt owns the keys)."""
    import json
    from pathlib import Path

    from orchestration.manifest import ensure_manifest

    manifest = json.loads(Path(ensure_manifest()).read_text(encoding="utf-8"))
    nodes = manifest["nodes"]
    sources = {uid: s["name"] for uid, s in manifest["sources"].items() if s["schema"] == "raw"}
    lus = {
        uid: {sources[d] for d in n["depends_on"]["nodes"] if d in sources}
        for uid, n in nodes.items()
        if n["resource_type"] == "model" and n["original_file_path"].startswith("models/staging/")
    }
    tables: set[str] = set()
    for n in nodes.values():
        if n["resource_type"] != "test" or (n.get("test_metadata") or {}).get("name") not in {
            "unique",
            "unique_combination",
        }:
            continue
        for d in n["depends_on"]["nodes"]:
            tables |= {sources[d]} if d in sources else lus.get(d, set())
    return frozenset(tables)


@pytest.mark.parametrize("table", sorted(SUITES))
def test_suite_has_columns_key_and_row_count(table):
    kinds = [e.kind for e in SUITES[table].expectations]
    assert "columns" in kinds and "rows" in kinds
    cle_ge = {"not_null", "unique"} <= set(kinds) or "unique_together" in kinds
    assert cle_ge or table in _cles_testees_par_dbt(), f"{table}: no key tested, by the suite nor by dbt"


@pytest.mark.parametrize("table", sorted(SUITES))
def test_good_frame_passes(table):
    assert table in GOOD, f"write a small good frame for {table}"
    outcome = validate_frame(SUITES[table], GOOD[table], skip_kinds=["rows"])
    assert outcome.success, outcome.summary()


@pytest.mark.parametrize(("table", "expectation"), list(_cases()))
def test_broken_frame_is_reported(table, expectation):
    # the expectation is run alone (one Great Expectations run of the whole suite costs ~0.5 s)
    outcome = validate_frame(Suite(table, (expectation,)), break_frame(GOOD[table], expectation))
    failed = {f.expectation: f for f in outcome.failures}
    assert expectation.label in failed, outcome.summary()
    failure = failed[expectation.label]
    assert failure.observed
    if expectation.kind in {"not_null", "unique", "unique_together", "regex", "between", "in_set"}:
        assert failure.unexpected_count and failure.unexpected_count >= 1
        assert failure.sample and "_line" in failure.sample[0], "failing rows keep their source line"


def _rows_cases():
    for table, suite in SUITES.items():
        for expectation in suite.expectations:
            if expectation.kind == "rows":
                yield pytest.param(table, expectation, id=f"{table}-{expectation.label}")


def _sized(table: str, expectation: Expectation, size: int) -> pd.DataFrame:
    base = GOOD[table]
    if expectation.where is not None:
        base = base[base[expectation.where[0]] == expectation.where[1]]
    return base.sample(n=size, replace=True, random_state=0).reset_index(drop=True)


@pytest.mark.parametrize(("table", "expectation"), list(_rows_cases()))
def test_row_count_edges(table, expectation):
    only = Suite(table, (expectation,))
    low, high = expectation.params["min"], expectation.params["max"]
    assert validate_frame(only, _sized(table, expectation, low)).success
    below = validate_frame(only, _sized(table, expectation, low - 1))
    assert not below.success and f"{low - 1} lignes" in below.failures[0].observed
    if high is not None:
        assert validate_frame(only, _sized(table, expectation, high)).success
        assert not validate_frame(only, _sized(table, expectation, high + 1)).success


def test_missing_column_is_reported_without_great_expectations():
    frame = GOOD["cog_regions"].drop(columns=["chef_lieu"])
    outcome = validate_frame(SUITES["cog_regions"], frame, skip_kinds=["rows"])
    observed = {f.expectation: f.observed for f in outcome.failures}
    assert observed["colonnes présentes : reg, nom, chef_lieu, zone"] == "colonnes manquantes : chef_lieu"
    assert observed["chef_lieu au format code commune INSEE"] == "colonne absente : chef_lieu"


def test_where_applies_to_the_subset_only():
    """A commune code repeated as commune déléguée is fine; repeated as commune actuelle it is not."""
    suite = SUITES["cog_communes"]
    assert validate_frame(suite, GOOD["cog_communes"], skip_kinds=["rows"]).success
    twice = pd.concat([GOOD["cog_communes"], GOOD["cog_communes"].iloc[[0]]], ignore_index=True)
    labels = {f.expectation for f in validate_frame(suite, twice, skip_kinds=["rows"]).failures}
    assert "code_insee unique (type = commune-actuelle)" in labels
    assert "(code_insee, type) unique" in labels


def test_summary_names_table_and_observed_value():
    frame = GOOD["filosofi_pauvrete_departements_2021"].copy()
    frame.loc[0, "tp6021"] = 128.4
    outcome = validate_frame(SUITES["filosofi_pauvrete_departements_2021"], frame, skip_kinds=["rows"])
    text = outcome.summary()
    assert "raw.filosofi_pauvrete_departements_2021" in text
    assert "tp6021 taux entre 0 et 100" in text and "128.4" in text


def test_validation_never_opens_a_socket(monkeypatch):
    """Great Expectations runs offline: no analytics, no version check, no cloud."""
    attempts: list = []

    def refuse(self, address):
        attempts.append(address)
        raise OSError(f"network disabled in tests: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    outcome = validate_frame(SUITES["cog_regions"], GOOD["cog_regions"], skip_kinds=["rows"])
    assert outcome.success
    assert attempts == []
    from ingest.expectations import _gx_context, _import_gx

    assert _gx_context(_import_gx()[0]).variables.analytics_enabled is False


def test_custom_suite_builders():
    suite = Suite("t", (columns("a"), rows(1, 2)))
    assert validate_frame(suite, pd.DataFrame({"a": [1]})).success
    label = replace(suite, expectations=(rows(2, None),)).expectations[0].label
    assert label == "nombre de lignes au moins 2"
