"""DORA stats_insertion seed by département."""

from __future__ import annotations

import pytest
from _lecteurs import public_columns, read_fixture

from ingest import dora


def test_dora_fixture():
    result = read_fixture(
        dora.read_stats_insertion_departements,
        {
            "stats_insertion_departements_2023.csv": [
                (5, "Code Dept", "not a département code: '20'"),
                (6, "Num Accompagnateurs", "not a whole number: '1474.5'"),
                (7, "Num Dea Brsa", "Num Dea 202309 + Num Brsa 202309 = 4990, not 4991"),
            ]
        },
    )
    frame = result.frame
    assert public_columns(frame) == [
        "code_departement",
        "nom_departement",
        "num_accompagnateurs",
        "num_dea_brsa",
        "num_conseillers_ft_les_emplois",
        "num_dea_202309",
        "num_brsa_202309",
    ]
    assert frame["code_departement"].tolist() == ["93", "976", "2A"]
    ssd = frame.iloc[0]
    assert (ssd["num_accompagnateurs"], ssd["num_dea_202309"], ssd["num_brsa_202309"]) == (
        4374,
        109950,
        23540,
    )
    assert str(frame["num_dea_brsa"].dtype) == "Int64"


@pytest.mark.snapshot
def test_real_dora(data_dir):
    result = dora.read_stats_insertion_departements(data_dir)
    assert result.rows == 101 and result.quarantine == []
    ssd = result.frame.set_index("code_departement").loc["93"]
    assert (ssd["num_accompagnateurs"], ssd["num_dea_202309"], ssd["num_brsa_202309"]) == (
        4374,
        109950,
        23540,
    )
    assert ssd["num_conseillers_ft_les_emplois"] == 1158
    assert result.frame["num_dea_202309"].sum() == pytest.approx(3.01e6, rel=0.01)
