"""France Travail need-side readers: job seekers by commune, CLPE, bassins d'emploi."""

from __future__ import annotations

import pytest
from _lecteurs import public_columns, read_fixture

from ingest import france_travail as ft


def test_demandeurs_emploi_fixture():
    result = read_fixture(
        ft.read_demandeurs_emploi_communes,
        {
            "demandeurs_emploi_communes_2025.csv": [
                (6, "nb_demandeurs_emploi", "not a whole number: '12.5'"),
                (7, "code_insee", "not an INSEE commune code: '9300'"),
                (8, "", "expected 3 fields, found 2"),
            ]
        },
    )
    frame = result.frame
    assert frame[["code_insee", "nom_commune", "nb_demandeurs_emploi"]].values.tolist() == [
        ["97411", "Saint-Denis", 23690],
        ["93066", "Saint-Denis", 12750],
        ["59350", "Lille", 24980],
        ["2A004", "Ajaccio", 3345],
    ]
    assert str(frame["nb_demandeurs_emploi"].dtype) == "Int64"


def test_clpe_fixture_keeps_region_codes_as_published():
    result = read_fixture(
        ft.read_clpe_communes, {"clpe_communes.csv": [(5, "territoire_id"), (6, "departement_id")]}
    )
    frame = result.frame
    assert public_columns(frame) == [
        "commune_id",
        "territoire_id",
        "territoire_libelle",
        "departement_id",
        "nom_departement",
        "region_id",
        "nom_region",
    ]
    assert frame["territoire_id"].tolist() == ["CLPE2A001", "CLPE93004", "CLPE97104"]
    assert frame["territoire_libelle"].tolist() == ["Ajaccio", "Plaine Commune", "Centre Guadeloupe"]
    assert frame["region_id"].tolist() == ["94", "11", "1"]


def test_bassins_fixture():
    result = read_fixture(
        ft.read_bassins_emploi_communes,
        {
            "bassins_emploi_communes.csv": [
                (5, "bassin_emploi", "empty value in a required column"),
                (6, "", "expected 3 fields, found 2"),
            ]
        },
    )
    assert result.frame[["dep", "bassin_emploi", "code_insee"]].values.tolist() == [
        ["2A", "Ajaccio", "2A004"],
        ["93", "Paris", "93001"],
        ["93", "Paris", "93066"],
    ]


@pytest.mark.snapshot
def test_real_france_travail(data_dir):
    demandeurs = ft.read_demandeurs_emploi_communes(data_dir)
    assert demandeurs.rows == 34977 and demandeurs.quarantine == []
    counts = demandeurs.frame.set_index("code_insee")["nb_demandeurs_emploi"]
    assert counts[["93066", "59350", "33063", "23096"]].tolist() == [12750, 24980, 27675, 1080]
    assert counts.sum() == 5790570
    clpe = ft.read_clpe_communes(data_dir)
    assert clpe.rows == 34877 and clpe.quarantine == [] and clpe.frame["territoire_id"].nunique() == 363
    bassins = ft.read_bassins_emploi_communes(data_dir)
    assert bassins.rows == 34935 and bassins.quarantine == []
    assert set(bassins.frame.loc[bassins.frame["dep"] == "93", "bassin_emploi"]) == {"Paris", "Roissy"}
