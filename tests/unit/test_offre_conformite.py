"""Quality gates of the offer (ingest.conformite_offre): JSON-schema conformity of v1 records and the
controls of the marts, on small hand-made tables, broken rows included."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from ingest import conformite_offre as co


@pytest.fixture(scope="module")
def validateurs(data_dir):
    return {e: co.load_validator(str(data_dir), e) for e in ("structure", "service")}


def test_a_complete_v1_structure_is_conform(validateurs):
    row = {"source": "dora", "cle_structure": "di_api--dora--42", "nom": "Centre social Le Tournesol",
           "date_maj": dt.date(2025, 2, 14), "siret": "12345678901234", "code_insee": "93066",
           "code_postal": "93200", "commune": "Saint-Denis", "longitude": 2.36, "latitude": 48.93,
           "reseaux_porteurs": ["fcsf"], "site_web": "https://example.org", "table_source": "di_api"}
    assert list(co.violations([row], "structure", validateurs["structure"], "cle_structure")) == []


def test_violations_name_the_record_the_field_and_the_reason(validateurs):
    rows = [
        {"source": "siae", "cle_structure": "siae--1", "nom": "AB", "date_maj": None, "siret": "123",
         "code_postal": "9320", "reseaux_porteurs": ["pas-un-reseau"], "table_source": "siae"},
    ]
    found = {(v.cle, v.champ, v.raison.split(" :")[0]) for v in
             co.violations(rows, "structure", validateurs["structure"], "cle_structure")}
    assert ("siae--1", "date_maj", "champ obligatoire absent") in found
    assert ("siae--1", "nom", "texte trop court") in found
    assert ("siae--1", "siret", "valeur non conforme") in found
    assert ("siae--1", "code_postal", "valeur non conforme") in found
    assert ("siae--1", "reseaux_porteurs", "valeur non conforme") in found


def test_a_service_with_a_v0_thematique_left_untranslated_is_reported(validateurs):
    row = {"source": "fredo", "cle_structure": "di_export--s", "cle_service": "di_export--s-1",
           "nom": "Accompagnement", "description": "Un accompagnement global vers l'emploi.",
           "date_maj": "2025-01-10", "thematiques": ["numerique--prendre-en-main-un-ordinateur"],
           "frais": "gratuit", "publics": ["jeunes"], "modes_accueil": ["en-presentiel"],
           "type_service": "accompagnement", "table_source": "di_export"}
    found = list(co.violations([row], "service", validateurs["service"], "cle_service"))
    assert [(v.champ, v.raison.split(" :")[0]) for v in found] == [("thematiques", "valeur non conforme")]
    assert "prendre-en-main" in found[0].valeur


def test_violations_replace_the_quarantine_table():
    con = duckdb.connect()
    first = [co.Violation("service", "a", "di_export", "description", "champ obligatoire absent : x", "")]
    assert co.write_violations(con, first) == 1
    assert co.write_violations(con, []) == 0
    assert con.execute(f"select count(*) from {co.QUARANTINE_TABLE}").fetchone()[0] == 0


@pytest.fixture()
def marts():
    con = duckdb.connect()
    con.execute("create schema marts; create schema raw; create schema intermediate")
    con.execute("""create table marts.structures as select * from (values
        ('s1', 'France services de Bondy', '93010', 2.48, 48.90),
        ('s2', 'Agence', null, null, null),
        ('s3', 'Mauvaises coordonnées', '97414', 7.19, 48.72))
        t(id_structure, nom, code_commune, longitude, latitude)""")
    con.execute("""create table marts.services as select * from (values
        ('v1', 's1', 'acces_aux_droits', 2.48, 48.90),
        ('v1', 's1', 'acces_aux_droits', 2.48, 48.90),
        ('v2', 's9', 'iae', -40.0, 10.0)) t(id_service, id_structure, code_domaine, longitude, latitude)""")
    con.execute("""create table raw.geo_departements as select * from (values
        ('93', 2.28, 48.81, 2.61, 49.01), ('67', 6.94, 47.42, 8.24, 49.08),
        ('974', 55.21, -21.39, 55.84, -20.87))
        t(dep, xmin, ymin, xmax, ymax)""")
    con.execute("""create table intermediate.int_offre__services_domaines as select * from (values
        ('v1', 's1'), ('v2', 's2'), ('v3', 's2')) t(id_service, id_structure)""")
    con.execute("""create table intermediate.int_offre__lieux_localises as select * from (values
        ('service', 'v3', '93066')) t(type_lieu, cle, code_commune)""")
    return con


def test_controls_catch_duplicates_orphans_points_outside_france_and_unlocated_services(marts):
    uniques = co.controle_identifiants_uniques(marts)
    assert not uniques.reussi and uniques.lignes_en_echec == [("service v1 × acces_aux_droits", "2 lignes")]
    rattaches = co.controle_services_rattaches(marts)
    assert not rattaches.reussi and rattaches.lignes_en_echec[0][0] == "v2"
    france = co.controle_coordonnees_en_france(marts)
    assert not france.reussi and [k for k, _ in france.lignes_en_echec] == ["service v2"]
    # the Réunion agency geocoded in Alsace is in France: the gate is about France, the flag
    # hors_departement of the marts tells the département mismatch
    localises = co.controle_part_localisee(marts, 0.95)
    assert not localises.reussi and localises.chiffres["part"] == pytest.approx(2 / 3, abs=1e-4)
    assert co.controle_part_localisee(marts, 0.5).reussi
    co.write_controle(marts, france)
    co.write_controle(marts, france)
    assert marts.execute(f"select count(*) from {co.CONTROLES_TABLE}").fetchone()[0] == 1


def test_controls_fail_clearly_when_a_table_is_missing():
    controle = co.controle_identifiants_uniques(duckdb.connect())
    assert not controle.reussi and "marts.structures" in controle.resume


def test_an_identical_catalogue_is_not_validated_again(data_dir):
    con = duckdb.connect()
    con.execute("create schema intermediate")
    con.execute("""create table intermediate.int_offre__structures_unies as select * from (values
        ('di_export--1', 'Centre social Le Tournesol', 'dora', 'di_export'),
        ('di_export--2', 'AB', 'dora', 'di_export')) t(cle_structure, nom, source, table_source)""")
    con.execute("""create table intermediate.int_offre__services_unis as select * from (values
        ('di_export--s1', 'Accompagnement', 'dora', 'di_export'))
        t(cle_service, nom, source, table_source)""")
    first = co.valider_catalogue(con, str(data_dir))
    assert not first.reprise and first.counts["structures"] == 2 and first.counts["services"] == 1
    assert first.counts["structures_non_conformes"] >= 1 and first.by_reason
    rows = con.execute(f"select count(*) from {co.QUARANTINE_TABLE}").fetchone()[0]
    assert rows == sum(first.by_reason.values())

    again = co.valider_catalogue(con, str(data_dir))
    assert again.reprise and again.counts == first.counts and again.by_reason == first.by_reason
    assert again.controle_le == first.controle_le
    assert con.execute(f"select count(*) from {co.QUARANTINE_TABLE}").fetchone()[0] == rows

    assert not co.valider_catalogue(con, str(data_dir), force=True).reprise
    con.execute("update intermediate.int_offre__structures_unies set nom = 'ABC' where nom = 'AB'")
    changed = co.valider_catalogue(con, str(data_dir))
    assert not changed.reprise
    # the quarantine table is part of the result: without it, the catalogue is validated again
    con.execute(f"drop table {co.QUARANTINE_TABLE}")
    assert not co.valider_catalogue(con, str(data_dir)).reprise
    assert con.execute(f"select count(*) from {co.QUARANTINE_TABLE}").fetchone()[0] > 0
