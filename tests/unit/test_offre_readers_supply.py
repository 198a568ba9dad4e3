"""Readers of the supply sources of issue 10 on real-format fixtures: CNAF places, DREES tables,
BPE 2018 (Parquet and the original .rda), the Banques Alimentaires map. Each fixture holds real
rows of the snapshot plus broken ones that must go to the quarantine with line, field and reason."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ingest.offre import aide_alimentaire, bpe, petite_enfance

DATA = Path(__file__).resolve().parents[1] / "fixtures" / "offre" / "data"


def _quarantine(result):
    return [(Path(q.source_file).name, q.line, q.field, q.reason) for q in result.quarantine]


def test_cnaf_places_bom_codes_of_the_cnaf_and_quarantine():
    result = petite_enfance.read_cnaf_places_communes(DATA)
    assert _quarantine(result) == [
        (
            "cnaf_nbpla_pe_com_2017_2022.csv",
            5,
            "places_offertes_ensemble",
            "places_EAJE_ensemble + places_prescolarisation + places_accueil_individuel_ensemble"
            " = 1378, not 1386",
        ),
        ("cnaf_nbpla_pe_com_2017_2022.csv", 9, "num_commune", "not an INSEE commune code: '9306'"),
        (
            "cnaf_nbpla_pe_com_2017_2022.csv",
            10,
            "num_commune",
            "duplicate num_commune 2022 59350 (first seen at line 6)",
        ),
        ("cnaf_nbpla_pe_com_2017_2022.csv", 11, "places_EAJE_PSU", "not a number: '12a'"),
    ]
    frame = result.frame.set_index(["annee", "code_commune"])
    # the BOM is not part of the first column's name
    assert "annee" in result.frame.columns
    lille = frame.loc[(2022, "59350")]
    assert (lille["places_eaje_ensemble"], lille["places_offertes_ensemble"]) == (2733, 5157)
    saint_denis = frame.loc[(2018, "93066")]
    assert (saint_denis["places_eaje_ensemble"], saint_denis["places_offertes_ensemble"]) == (1083, 1920)
    # the CNAF's own département codes and its « XX » EPCI are data, not errors
    assert frame.loc[(2021, "2A004"), "code_departement_cnaf"] == "20R"
    saint_martin = frame.loc[(2021, "97801")]
    assert saint_martin["code_departement_cnaf"] == "978" and pd.isna(saint_martin["code_epci"])


def test_drees_tables_stacked_with_collectivites_and_quarantine():
    result = petite_enfance.read_drees_accueil_jeune_enfant(DATA)
    assert _quarantine(result) == [
        (
            "drees_eaje_dep_tab23.csv",
            8,
            "code_departement",
            "code 'XX' does not match " + petite_enfance.DREES_TERRITOIRE,
        ),
        (
            "drees_eaje_dep_tab23.csv",
            9,
            "code_departement",
            "duplicate code_departement tab23 59 2023 (first seen at line 4)",
        ),
        ("drees_eaje_dep_tab28.csv", 10, "valeur", "negative count -5.0"),
    ]
    frame = result.frame
    # tab23_copie.csv is not a DREES table name: not read
    assert sorted(frame["tableau"].unique()) == ["tab23", "tab28"]
    values = frame.set_index(["tableau", "code_territoire_drees", "annee"])["valeur"]
    assert values[("tab23", "59", 2023)] == 813 and values[("tab23", "93", 2023)] == 406
    assert values[("tab28", "59", 2016)] == 11070
    assert values[("tab23", "6AE", 2023)] == 691 and values[("tab28", "20", 2023)] == 2226


def test_drees_without_any_file_is_one_quarantine_entry(tmp_path):
    result = petite_enfance.read_drees_accueil_jeune_enfant(tmp_path)
    assert result.rows == 0
    assert [(q.line, q.reason.split(":")[0]) for q in result.quarantine] == [(0, "file not found")]


def test_bpe_parquet_quarantine_and_counts():
    result = bpe.read_bpe_2018(DATA)
    assert result.source.source_file.endswith(".parquet")
    assert _quarantine(result) == [
        (
            "bpe18_ensemble_commune_typequ_long.parquet",
            6,
            "DEPCOM",
            "duplicate DEPCOM × type 93066 D502 (first seen at row 2)",
        ),
        ("bpe18_ensemble_commune_typequ_long.parquet", 7, "NB_EQUIP", "not a whole non-negative count: -1"),
    ]
    counts = result.frame.set_index(["code_commune_2018", "type_equipement"])["nb_equipements"]
    assert counts[("93066", "D502")] == 5 and counts[("75101", "D703")] == 1
    assert str(result.frame["nb_equipements"].dtype) == "int64"


def test_bpe_original_rda_summed_from_iris_to_commune(tmp_path):
    result = bpe.read_bpe_2018_rda(DATA / bpe.BPE_RDA)
    assert _quarantine(result) == [
        (
            "doremifasolData_bpe_ens_2018.rda",
            5,
            "DCIRIS",
            "duplicate DCIRIS × type 593500101 D502 (first seen at row 4)",
        ),
        ("doremifasolData_bpe_ens_2018.rda", 8, "DEPCOM", "not an INSEE commune code: '9306'"),
        ("doremifasolData_bpe_ens_2018.rda", 9, "TYPEQU", "not a BPE equipment type: 'D50'"),
        ("doremifasolData_bpe_ens_2018.rda", 10, "DEP", "département '59' does not match commune 93066"),
    ]
    counts = result.frame.set_index(["code_commune_2018", "type_equipement"])["nb_equipements"]
    # two IRIS of Saint-Denis summed; Mayotte's département has three characters
    assert (
        counts[("93066", "D502")] == 5 and counts[("59350", "D502")] == 4 and counts[("97611", "D502")] == 2
    )
    assert list(result.frame.columns) == bpe.COLUMNS
    # without the Parquet, the reader falls back on the original
    (tmp_path / "bpe").mkdir()
    (tmp_path / bpe.BPE_RDA).write_bytes((DATA / bpe.BPE_RDA).read_bytes())
    assert bpe.read_bpe_2018(tmp_path).frame.equals(result.frame)


def test_bpe_unreadable_file_is_one_quarantine_entry(tmp_path):
    (tmp_path / "bpe").mkdir()
    (tmp_path / bpe.BPE_PARQUET).write_bytes(b"not a parquet file")
    result = bpe.read_bpe_2018(tmp_path)
    assert result.rows == 0 and result.quarantine[0].line == 0
    assert result.quarantine[0].reason.startswith("unreadable Parquet file")


def test_food_aid_map_quirks_and_quarantine():
    result = aide_alimentaire.read_aide_alimentaire(DATA)
    assert _quarantine(result) == [
        (
            "ffba_epiceries_sociales_partenaires_banques_alimentaires.csv",
            5,
            "Associatio",
            "empty value in a required field",
        ),
        (
            "ffba_epiceries_sociales_partenaires_banques_alimentaires.csv",
            6,
            "lon/lat",
            "longitude out of range [-180, 180]: 200.0",
        ),
        (
            "ffba_epiceries_solidaires_reseau_ANDES.csv",
            4,
            "id",
            "duplicate id 'aide_alimentaire--e17a8f4ec577' (first seen at line 3)",
        ),
        ("ffba_epiceries_solidaires_reseau_UGESS.csv", 4, "code_postal_extrait", "not a postcode: '9A100'"),
    ]
    frame = result.frame.set_index("nom")
    assert frame["source"].unique().tolist() == ["aide_alimentaire"]
    # four-digit postcode of the source left-padded, the given value kept
    test_ba = frame.loc["BANQUE ALIMENTAIRE DE TEST"]
    assert (test_ba["code_postal"], test_ba["code_postal_source"]) == ("03000", "3000")
    assert list(test_ba["reseaux_porteurs"]) == ["banques-alimentaires"]
    # a row whose coordinates are out of range is kept, without coordinates
    lost = frame.loc["Epicerie perdue"]
    assert pd.isna(lost["longitude"]) and pd.isna(lost["latitude"])
    # U+FFFD of the UGESS file kept as given and flagged
    altered = frame.loc["Les Fourneaux extraordinaires"]
    assert "\ufffd" in altered["adresse"] and bool(altered["texte_altere"])
    assert not bool(frame.loc["Le panier Cugnalais", "texte_altere"])
    # a field holding a newline is one record, its white space folded
    yonne = frame.loc["B.A. DE LA BOURGOGNE - Antenne de l'YONNE"]
    assert yonne["adresse"] == "Parc technologique d'activité de la chapelle 89470 MONETEAU"
    # no INSEE code and the town kept aside: locating goes through the coordinates first
    assert result.frame["code_insee"].isna().all() and result.frame["commune"].isna().all()
    assert frame.loc["Épicerie Sociale", "ville_indiquee"] == "SAINT-GERMAIN-DU-PUY"
    # groceries are typed ES, banques alimentaires by their network; personal contacts never read
    assert set(result.frame["typologie"]) == {"ES", "BANQUE_ALIMENTAIRE"}
    saintes = frame.loc['"Episol" Saintes']
    assert (saintes["volume_declare"], saintes["personnes_declarees"], bool(saintes["membre_andes"])) == (
        118456.2587,
        1147.0,
        True,
    )
    assert not any("@" in str(v) for v in result.frame.astype(str).to_numpy().ravel())
    assert not any("@" in q.content for q in result.quarantine)


@pytest.mark.snapshot
def test_real_supply_files(data_dir):
    places = petite_enfance.read_cnaf_places_communes(data_dir)
    assert places.rows == 6232 and len(places.quarantine) == 1
    drees = petite_enfance.read_drees_accueil_jeune_enfant(data_dir)
    assert drees.rows == 6448 and drees.quarantine == []
    equipements = bpe.read_bpe_2018(data_dir)
    assert equipements.rows == 650_630 and equipements.quarantine == []
    d502 = equipements.frame[equipements.frame["type_equipement"] == "D502"]
    assert d502["nb_equipements"].sum() == 12196
    assert d502.groupby("code_departement")["nb_equipements"].sum()[["93", "59"]].tolist() == [334, 418]
    points = aide_alimentaire.read_aide_alimentaire(data_dir)
    assert points.rows == 1770 and len(points.quarantine) == 2
