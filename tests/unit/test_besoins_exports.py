"""Unit tests of the per-département CSV extracts of the need marts (small in-memory marts)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.assets.outputs_besoins import EXTRACTS, export_besoins, to_french_csv

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _dbt_sql import creer_perimetre  # noqa: E402
from _rapport_entrepot import charger_libelles  # noqa: E402


@pytest.fixture()
def marts() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        """create table marts.territoires as select * from (values
            ('commune', '93066', 'Saint-Denis', '200054781', '200057867', '93'),
            ('commune', '93001', 'Aubervilliers', '200054781', '200057867', '93'),
            ('commune', '59350', 'Lille', '200093201', null, '59'),
            ('epci', '200054781', 'Métropole du Grand Paris', '200054781', null, '75'),
            ('ept', '200057867', 'Plaine Commune', '200054781', '200057867', '93'),
            ('epci', '200093201', 'Métropole Européenne de Lille', '200093201', null, '59'),
            ('departement', '93', 'Seine-Saint-Denis', null, null, '93'),
            ('departement', '59', 'Nord', null, null, '59')
        ) as t(niveau, code_territoire, libelle, code_epci, code_ept, code_departement)"""
    )
    # a QPV's communes are a native list in the mart
    con.execute("alter table marts.territoires add column codes_communes varchar[]")
    con.execute("alter table marts.territoires add column code_region varchar")
    creer_perimetre(con)  # the exporters' perimeter, by its real dbt model
    charger_libelles(con)  # the headers, the workbook's (seed classeur_colonnes)
    con.execute(
        """create table marts.indicateurs_catalogue as select * from (values
            ('taux_pauvrete', 'Taux de pauvreté au seuil de 60 %', '%'))
            as t(code_indicateur, libelle, unite)"""
    )
    con.execute(
        """create table marts.indicateurs as select niveau, code_territoire,
            'taux_pauvrete' as code_indicateur, 2021 as annee, 28.4 as valeur,
            null::double as numerateur, null::double as denominateur,
            false as secret, 'publie' as methode, 1.0 as couverture, 28.4 as valeur_departement,
            2021 as annee_reference_departement, 16.0 as valeur_region, 2021 as annee_reference_region,
            15.3 as valeur_france, 2021 as annee_reference_france, 0.0 as ecart_departement,
            12.4 as ecart_region, 13.1 as ecart_france
        from marts.territoires"""
    )
    con.execute(
        """create table marts.besoins as select niveau, code_territoire, code_departement, 'A2' as code_axe,
            'accompagnement_emploi' as code_domaine, 'Accompagnement vers l''emploi' as libelle_domaine,
            150.0 as indice_besoin, 1 as nb_composantes, 0 as nb_composantes_exclues,
            [{'code_indicateur': 'taux_pauvrete', 'indice': 185.6, 'inclus': true}] as composantes
        from marts.territoires"""
    )
    con.execute(
        """create table marts.besoins_composantes as select niveau, code_territoire, 'A2' as code_axe,
            'accompagnement_emploi' as code_domaine, 'taux_pauvrete' as code_indicateur, 2021 as annee,
            28.4 as valeur, 1.0 as couverture, 15.3 as valeur_france, 'hausse_defavorable' as sens,
            185.6 as indice,
            true as inclus_dans_indice, null as motif_exclusion
        from marts.territoires"""
    )
    yield con
    con.close()


def test_extract_keeps_only_the_perimeter_of_the_departement(marts, tmp_path, data_dir):
    counts = export_besoins(marts, "93", tmp_path)
    assert set(counts) == set(EXTRACTS)
    frame = pd.read_csv(tmp_path / "territoires.csv", sep=";", encoding="utf-8-sig", dtype=str)
    pairs = set(zip(frame["Niveau"], frame["Code du territoire"], strict=True))
    assert pairs == {
        ("commune", "93066"), ("commune", "93001"), ("epci", "200054781"), ("ept", "200057867"),
        ("departement", "93"),
    }
    assert counts["indicateurs"] == 5


def test_csv_is_for_a_french_spreadsheet(marts, tmp_path, data_dir):
    export_besoins(marts, "93", tmp_path)
    raw = (tmp_path / "indicateurs.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:4] == ["Niveau", "Code du territoire", "Territoire", "Code de l'indicateur"]
    assert any(";28,4;" in line and ";non;publie;" in line for line in lines[1:])


def test_unknown_or_empty_departement_is_refused(marts, tmp_path, data_dir):
    from socle.departements import UnknownDepartement

    with pytest.raises(UnknownDepartement):
        export_besoins(marts, "20", tmp_path)
    with pytest.raises(ValueError, match="no commune for département 2A"):
        export_besoins(marts, "2A", tmp_path)


def test_to_french_csv_keeps_codes_as_text(tmp_path):
    frame = pd.DataFrame({"code_territoire": ["01001", "2A004"], "est_qpv": [True, False]})
    path = to_french_csv(frame, tmp_path / "t.csv", {"code_territoire": "Code du territoire"})
    text = path.read_text(encoding="utf-8-sig").splitlines()
    assert text == ["Code du territoire;est_qpv", "01001;oui", "2A004;non"]


def test_the_headers_are_the_workbooks(marts, tmp_path, data_dir):
    """One header system: the need extracts say what the analysts' workbook says (seed classeur_colonnes),
    a mart's own header included (« Territoire » for the name of a territory in its mart)."""
    from rapport.classeur_libelles import charger

    libelles = charger(marts)
    export_besoins(marts, "93", tmp_path)
    for name in EXTRACTS:
        header = (tmp_path / f"{name}.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(";")
        colonnes = list(marts.execute(f"select * from ({EXTRACTS[name]}) limit 0",
                                      {"departement": "93"}).df().columns)
        assert header == [libelles.entete(name, c) for c in colonnes], name
        assert not [h for h in header if "_" in h], name  # no column name left for a person to read
    territoires = (tmp_path / "territoires.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert territoires.startswith("Niveau;Code du territoire;Territoire;")


def test_a_list_column_is_one_csv_cell_of_json_text(marts, tmp_path, data_dir):
    import json

    export_besoins(marts, "93", tmp_path)
    frame = pd.read_csv(tmp_path / "besoins.csv", sep=";", encoding="utf-8-sig", dtype=str)
    (composantes,) = set(frame["Composantes"])
    assert json.loads(composantes) == [{"code_indicateur": "taux_pauvrete", "indice": 185.6, "inclus": True}]
