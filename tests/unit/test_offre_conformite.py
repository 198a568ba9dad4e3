"""JSON-schema conformity of the offer's v1 records (ingest.conformite_offre), on small hand-made
tables, broken rows included. The tabular checks of the marts are dbt tests (test_offre_controles_dbt.py)."""

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
