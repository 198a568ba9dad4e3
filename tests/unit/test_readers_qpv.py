"""QPV readers: the 2024 list and the ONPV 2022 files on the 2015 QPV list."""

from __future__ import annotations

import math

import pytest
from _lecteurs import one, public_columns, read_fixture

from ingest import qpv


def test_qpv_communes_2024_fixture():
    result = read_fixture(
        qpv.read_qpv_communes_2024, {"qpv_2024_communes.csv": [(7, "code_qp"), (8, "insee_com")]}
    )
    frame = result.frame
    assert public_columns(frame) == [
        "code_qp",
        "lib_qp",
        "insee_com",
        "nom_commune",
        "dep",
    ]
    assert frame["code_qp"].tolist() == ["QN02A02M", "QN02A03N", "QN09328M", "QN09328M", "QN09335M"]
    assert frame["insee_com"].tolist() == ["2A004", "2A004", "93001", "93066", "93066"]
    assert frame["dep"].tolist() == ["2A", "2A", "93", "93", "93"]


def test_demographie_fixture_thousands_spaces_and_secret_blanks():
    result = read_fixture(
        qpv.read_demographie_2015, {"DEMO_2022_qpv2015.csv": [(6, "POP_MUN"), (7, "CODGEO")]}
    )
    frame = result.frame
    assert list(frame.columns[:5]) == ["_line", "codgeo", "libgeo", "lib_com", "pop_mun"]
    assert frame["codgeo"].tolist() == ["QP001001", "QP001002", "QP093001", "QP972004"]
    bourg = one(frame, codgeo="QP001001")
    assert (bourg["pop_mun"], bourg["pop_com"], bourg["a"], bourg["enf"]) == (6490.0, 41248.0, 2068.0, 1986.0)
    assert (bourg["lib_com"], bourg["tx_f"], bourg["note_cnaf"], bourg["_secret"]) == (
        "Bourg-en-Bresse",
        55.3,
        0,
        [],
    )
    assert one(frame, codgeo="QP001002")["_secret"] == ["tx_f_60etplus", "tx_tot_men6", "a_etud"]
    withheld = one(frame, codgeo="QP972004")  # NOTE_CNAF 5: the whole CNAF block is blank
    assert withheld["note_cnaf"] == 5 and math.isnan(withheld["a"]) and "enf_18_24" in withheld["_secret"]
    assert withheld["pop_mun"] == 2226.0
    assert str(frame["note_rp"].dtype) == "Int64"


def test_revenus_fixture_pads_the_stripped_martinique_rows():
    result = read_fixture(qpv.read_revenus_2015, {"REVN_2022_qpv2015.csv": [(6, ""), (7, "TP60")]})
    assert result.quarantine[0].reason == "expected 32 fields, found 33"
    frame = result.frame
    assert frame["codgeo"].tolist() == ["QP001001", "QP025002", "QP093001", "QP972001"]
    bourg = one(frame, codgeo="QP001001")
    assert (bourg["tp60"], bourg["disp_q2"], bourg["arsas"], bourg["pimpot"]) == (41.4, 14180.0, 376.0, -10.0)
    grette = one(frame, codgeo="QP025002")  # narrow no-break spaces as thousands separators
    assert grette["decuc_d9"] == 23280.0 and math.isnan(grette["tp60"]) and grette["note_cnaf"] == 3
    martinique = one(frame, codgeo="QP972001")  # 23 fields in the snapshot: CNAM and CNAF blocks stripped
    assert martinique["tp60"] == 50.6 and martinique["note_filo"] == 0
    assert math.isnan(martinique["arsas"]) and "arsas" in martinique["_secret"]
    assert martinique["_indisponible"] == ["note_cnam", "note_cnaf"]


def test_insertion_fixture_header_with_trailing_space():
    result = read_fixture(qpv.read_insertion_2015, {"IPRO_2022_qpv2015.csv": [(4, "ABCDE"), (5, "")]})
    assert result.quarantine[1].reason == "expected 61 fields, found 60"
    frame = result.frame
    assert frame["codgeo"].tolist() == ["QP001001", "QP093001"]
    bourg = one(frame, codgeo="QP001001")
    assert (bourg["abcde"], bourg["abc"], bourg["abc_rsa"], bourg["evol_ca_n_e"]) == (
        1075.0,
        926.0,
        238.0,
        100.0,
    )
    assert bourg["evol_a_h_t4"] == -24.8
    bourget = one(frame, codgeo="QP093001")
    assert math.isnan(bourget["ca"]) and bourget["_secret"][:2] == ["ca", "evol_ca_n_e"]


@pytest.mark.snapshot
def test_real_qpv(data_dir):
    communes = qpv.read_qpv_communes_2024(data_dir)
    assert communes.rows == 1684 and communes.quarantine == []
    assert communes.frame["code_qp"].nunique() == 1493
    for reader, rows in (
        (qpv.read_demographie_2015, 1400),
        (qpv.read_revenus_2015, 1352),
        (qpv.read_insertion_2015, 1345),
    ):
        result = reader(data_dir)
        assert (result.rows, result.quarantine) == (rows, []), reader.__name__
        assert result.frame["codgeo"].is_unique
    revenus = qpv.read_revenus_2015(data_dir).frame
    assert revenus["tp60"].dropna().between(0, 100).all() and revenus["tp60"].isna().sum() == 5
    assert revenus[revenus["codgeo"].str.startswith("QP972")]["a"].isna().all()
