"""The tables dbt makes for the report (dbt_project/models/rapport/), by their real SQL on small
hand-made marts (tests/unit/_dbt_sql.py): what used to be Python around SQL strings in
rapport/lectures.py (file names, grouping of the sources, one mention per publication)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _dbt_sql import creer_tables_rapport  # noqa: E402

from rapport.donnees import TABLES_RAPPORT, MartManquant, exige_tables_rapport  # noqa: E402
from rapport.lectures import _besoins_sources, _chargements, _source_de_table, _sources  # noqa: E402


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema raw; create schema marts")
    con.execute(
        """create table raw._chargements (table_name varchar, source_file varchar, checksum varchar,
        vintage varchar, mode varchar, stale boolean, message varchar, rows_loaded bigint,
        rows_quarantined bigint, loaded_at timestamp)"""
    )
    con.execute(
        """insert into raw._chargements values
        ('cog_communes', '/d/cog/v2025.csv', 'a', 'COG 2025', 'snapshot', false, '', 10, 0,
         '2026-01-02 08:00'),
        ('cog_communes', '/d/cog/v2026.csv;/d/cog/arrondissements/', 'b', 'COG 2026', 'snapshot', true,
         'livraison refusée : 2 lignes', 30, 1, '2026-03-04 09:05'),
        ('cog_regions', '/d/cog/regions.csv', 'c', 'COG 2026', 'snapshot', false, null, 18, 0,
         '2026-03-05 10:00'),
        ('table_inconnue', null, 'd', '', 'live', false, null, null, 2, null)"""
    )
    con.execute(
        """create table marts.sources_donnees as select * from (values
        ('cog_communes', 'INSEE', 'Code officiel géographique 2026', 'Territoires'),
        ('cog_regions', 'INSEE', 'Code officiel géographique 2026', 'Territoires'))
        as t(table_brute, producteur, jeu_de_donnees, theme)"""
    )
    con.execute(
        """create table marts.indicateurs_catalogue as select * from (values
        ('i1', 'France Travail 2025 ; population légale 2023'), ('i2', 'population légale 2023 ; RP 2021'),
        ('i3', null)) as t(code_indicateur, source)"""
    )
    con.execute(
        """create table marts.besoins_composantes as select * from (values
        ('93', 'commune', 'emploi', 'i1', 2023), ('93', 'commune', 'emploi', 'i2', 2021),
        ('93', 'commune', 'emploi', 'i2', 2021), ('93', 'departement', 'emploi', 'i1', 2019),
        ('93', 'commune', 'logement', 'i3', 2022), ('93', 'commune', 'sante', 'i3', null),
        ('59', 'commune', 'emploi', 'i1', 2025))
        as t(code_departement, niveau, code_domaine, code_indicateur, annee)"""
    )
    assert {"chargements", "sources", "besoins_sources"} <= set(creer_tables_rapport(con))
    yield con
    con.close()


def test_the_last_load_of_each_table_with_its_file_names_and_a_refused_delivery(con):
    chargements = {c["table_name"]: c for c in _chargements(con)}
    cog = chargements["cog_communes"]
    assert cog["fichier"] == "v2026.csv; arrondissements" and cog["vintage"] == "COG 2026"
    assert cog["livraison_refusee"] and cog["stale"] and cog["loaded_at"] == "04/03/2026 09:05"
    assert chargements["table_inconnue"]["fichier"] == "" and chargements["table_inconnue"]["loaded_at"] == ""


def test_sources_group_the_loaded_tables_by_dataset_and_never_show_a_table_name(con):
    sources = _sources(con)
    assert [(s["theme"], s["producteur"], s["jeu_de_donnees"]) for s in sources] == [
        ("Territoires", "INSEE", "Code officiel géographique 2026"),
        ("Autres sources", "–", "source non décrite"),
    ]
    insee = sources[0]
    assert (insee["lignes"], insee["rejets"], insee["charge_le"]) == (48, 1, "05/03/2026")
    assert insee["ancienne_copie"] and insee["livraison_refusee"] and type(insee["lignes"]) is int
    assert "tables_brutes" not in insee and "table_inconnue" not in str(sources)
    assert _source_de_table(con, "cog_regions") == "INSEE, Code officiel géographique 2026"
    assert _source_de_table(con, "table_inconnue") == "–, source non décrite"
    assert _source_de_table(con, "jamais_chargee") is None


def test_need_sources_name_each_publication_once_with_the_communes_years(con):
    sources, annees = _besoins_sources(con, "93")
    assert sources == {"emploi": "France Travail 2025 ; population légale 2023 ; RP 2021"}
    assert annees == {"emploi": ", 2021-2023", "logement": ", 2022"}
    assert _besoins_sources(con, "59") == (
        {"emploi": "France Travail 2025 ; population légale 2023"},
        {"emploi": ", 2025"},
    )


def test_a_missing_report_table_is_named():
    with pytest.raises(
        MartManquant, match=r"rapport\.chargements.*rapport\.revue_citations.*dbt_project/models/rapport"
    ):
        exige_tables_rapport(duckdb.connect(), TABLES_RAPPORT)


def test_every_report_model_is_declared_once_for_the_report():
    """A model of dbt_project/models/rapport/ is in rapport.donnees' lists, which name it when it is
    missing and make the report's assets depend on it (docs/architecture.md, « add a report section »)."""
    from rapport.donnees import TABLES_CLASSEUR
    from socle.settings import DBT_PROJECT_DIR

    modeles = {p.stem for p in (Path(DBT_PROJECT_DIR) / "models" / "rapport").glob("*.sql")}
    assert set(TABLES_RAPPORT) | set(TABLES_CLASSEUR) == modeles | {"gouvernance_dispositifs"}


def test_the_workbook_sources_come_from_the_marts_in_the_read_me_order(tmp_path):
    """rapport.sources_classeur on the hand-made warehouse: the COG's last vintage, each need
    publication and offer list of the département once, the registry line only when an actor cites a
    public source, the deposited documents with their author and date, the interviews counted."""
    import _rapport_entrepot

    from rapport.classeur_synthese import MARTS_SOURCES, _sources

    chemin = _rapport_entrepot.ecrire(tmp_path / "w.duckdb", _rapport_entrepot.entrees())
    con = duckdb.connect(str(chemin))
    con.execute(
        "insert into raw._chargements values ('cog_communes', '/d/cog.csv', 'a', 'COG 2026', 'snapshot', "
        "false, '', 10, 0, timestamp '2026-03-04 09:05')"
    )
    creer_tables_rapport(con)
    lignes = _sources(con, "93", MARTS_SOURCES)
    usages = [u for u, _ in lignes]
    ordre = ["Territoires", "Indicateurs de besoin", "Offre de services", "Coordination", "Documents déposés"]
    assert usages == sorted(usages, key=[*ordre, "Entretiens"].index)
    assert lignes[0] == ("Territoires", "INSEE, Code officiel géographique (COG 2026)")
    offre = [p for u, p in lignes if u == "Offre de services"]
    assert offre == sorted(set(offre)) and offre
    assert [p for u, p in lignes if u == "Coordination"][0].startswith("Registre des acteurs")
    document = "« Bilan CALPAE 2022 », Département de la Seine-Saint-Denis, 2023-03-01"
    assert ("Documents déposés", document) in lignes
    assert ("Entretiens", "1 note(s) d'entretien déposée(s), pseudonymisées") in lignes
    # no actor citing a public source: no registry line, the national model's line stays
    con.execute("update marts.acteurs set source_publique = null")
    creer_tables_rapport(con)  # (tables here, views in dbt)
    coordination = [p for u, p in _sources(con, "93", MARTS_SOURCES) if u == "Coordination"]
    assert len(coordination) == 1 and coordination[0].startswith("Modèle national")
    # a workbook of a few marts has no sources part, and a missing view is named
    assert _sources(con, "93", {"liens"}) == []
    con.execute("drop table rapport.sources_classeur")
    with pytest.raises(MartManquant, match="rapport.sources_classeur"):
        _sources(con, "93", MARTS_SOURCES)


def test_the_latest_indicators_of_the_departement_its_communes_and_its_ranked_territories():
    """rapport.indicateurs_derniers by its real SQL: per report, the latest year of each indicator of
    the département, its communes and the EPCI its priorities rank (even one whose seat is in another
    département, which keeps its own département), nothing of another département, the catalogue's
    label; _indicateurs reads it in the report's order."""
    from rapport.lectures import _indicateurs

    con = duckdb.connect()
    con.execute("create schema marts")
    colonnes = (
        "niveau, code_territoire, code_indicateur, annee, valeur, numerateur, denominateur, secret, methode, "
        "couverture, code_departement, code_region, valeur_departement, annee_reference_departement, "
        "valeur_region, annee_reference_region, valeur_france, annee_reference_france, ecart_departement, "
        "ecart_region, ecart_france"
    )
    lignes = [
        ("departement", "59", "chomage", 2022, 10.0, "59"),
        ("departement", "59", "chomage", 2023, 11.0, "59"),
        ("departement", "62", "chomage", 2023, 12.0, "62"),
        ("commune", "59350", "chomage", 2023, 13.0, "59"),
        ("commune", "59350", "pauvrete", 2021, 20.0, "59"),
        ("commune", "62041", "chomage", 2023, 14.0, "62"),
        ("epci", "200093201", "chomage", 2023, 15.0, "59"),
        ("epci", "246200364", "chomage", 2020, 16.0, "62"),  # seat in 62, communes in 59 too
        ("epci", "246200364", "chomage", 2021, 17.0, "62"),
        ("epci", "200041960", "chomage", 2023, 18.0, "59"),  # not ranked
    ]
    types = {"annee": "integer", "secret": "boolean"}
    reels = {
        "valeur",
        "numerateur",
        "denominateur",
        "couverture",
        "valeur_departement",
        "valeur_region",
        "valeur_france",
        "ecart_departement",
        "ecart_region",
        "ecart_france",
    }
    con.execute(
        "create table marts.indicateurs ("
        + ", ".join(
            f"{c} {types.get(c, 'double' if c in reels else 'integer' if 'annee' in c else 'varchar')}"
            for c in colonnes.split(", ")
        )
        + ")"
    )
    con.executemany(
        "insert into marts.indicateurs (niveau, code_territoire, code_indicateur, annee, valeur, "
        "code_departement) values (?, ?, ?, ?, ?, ?)",
        lignes,
    )
    con.execute(
        """create table marts.indicateurs_catalogue as select * from (values
        ('chomage', 'Taux de chômage', 'emploi', 'axe1', 'INSEE', '%', 'hausse_defavorable', '2023'),
        ('pauvrete', 'Taux de pauvreté', null, null, 'INSEE', '%', 'hausse_defavorable', '2021'))
        as t(code_indicateur, libelle, code_domaine, code_axe, source, unite, sens, millesime)"""
    )
    con.execute(
        """create table marts.priorites as select * from (values
        ('59', 'epci', '200093201', 'infra', 'axe1'), ('59', 'epci', '200093201', 'infra', 'axe2'),
        ('59', 'epci', '246200364', 'infra', 'axe1'), ('59', 'departement', '59', 'departement', 'axe1'),
        ('62', 'epci', '200041960', 'infra', 'axe1'))
        as t(code_departement, niveau, code_territoire, echelle, code_axe)"""
    )
    from _dbt_sql import rendre

    con.execute("create schema rapport")
    sql = rendre(Path("models/rapport/indicateurs_derniers.sql"))
    con.execute(f"create view rapport.indicateurs_derniers as {sql}")
    lues = _indicateurs(con, "59")
    assert [
        (r.niveau, r.code_territoire, r.code_indicateur, r.annee, r.valeur, r.code_departement)
        for r in lues.itertuples()
    ] == [
        ("commune", "59350", "pauvrete", 2021, 20.0, "59"),
        ("commune", "59350", "chomage", 2023, 13.0, "59"),
        ("departement", "59", "chomage", 2023, 11.0, "59"),
        ("epci", "200093201", "chomage", 2023, 15.0, "59"),
        ("epci", "246200364", "chomage", 2021, 17.0, "62"),
    ]
    catalogue = ["libelle_indicateur", "code_domaine", "code_axe", "source", "unite", "sens", "millesime"]
    assert lues.columns.tolist() == colonnes.split(", ") + catalogue  # the mart's columns, in its order
    assert set(lues["libelle_indicateur"]) == {"Taux de chômage", "Taux de pauvreté"}
    # the 62 EPCI ranked by 62's priorities appears in 62's rows, not in 59's
    territoires_62 = {(r.niveau, r.code_territoire) for r in _indicateurs(con, "62").itertuples()}
    assert ("epci", "200041960") in territoires_62 and ("commune", "59350") not in territoires_62
