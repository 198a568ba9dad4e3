"""The analysts' read-only copy: published only when the independent detector finds no personal
data in the document tables and the files written for people; respondent-level questionnaire rows
kept out of it (a suppressed group of fewer than 5 could be recomputed from them)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, materialize

from ingest.documents.stockage import ensure_tables
from orchestration.assets.publication import publication_asset, published_copy_path
from orchestration.resources import PacteSettingsResource, WarehouseResource


def _warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    ensure_tables(con)
    con.execute("create schema if not exists staging")
    con.execute("create schema if not exists marts")
    con.execute(
        "insert into raw.questionnaires_reponses (code_departement, id_questionnaire, id_repondant, "
        "dispositif_reponse, satisfaction_reponse, texte_libre) values "
        "('93', 'Q1', 'REP_a', 'PLIE', '5', 'très bien'), ('93', 'Q1', 'REP_b', 'PLIE', '1', 'mal reçu'), "
        "('93', 'Q1', 'REP_c', 'CEJ', '2', 'trop loin')"
    )
    con.execute(
        "create view staging.stg_questionnaires__reponses as "
        "select id_questionnaire, id_repondant, dispositif_reponse from raw.questionnaires_reponses"
    )
    con.execute(
        "create table marts.parole as select '93' as code_departement, 'questionnaire' as source, "
        "'dispositif' as niveau_agregation, true as secret, null::integer as nb_repondants"
    )
    con.execute(
        "insert into quarantine.rejets (table_name, source_file, line, field, reason, content) values "
        "('questionnaires_reponses', 'enquete.csv', 4, 'satisfaction', 'réponse incomprise', 'peut-être'), "
        "('cog_communes', 'communes.csv', 7, 'code', 'code invalide', '9Z001')"
    )
    con.close()


def _publish(tmp_path: Path, data_dir: Path, partition: str | None = None):
    warehouse = tmp_path / "w.duckdb"
    resources = {
        "warehouse": WarehouseResource(path=str(warehouse)),
        "settings": PacteSettingsResource(
            data_dir=str(data_dir), output_dir=str(tmp_path / "sorties"), inbox_dir=str(tmp_path / "i")
        ),
    }
    with DagsterInstance.ephemeral() as instance:
        return materialize(
            [publication_asset([AssetKey(["marts", "parole"])])],
            resources=resources,
            instance=instance,
            raise_on_error=False,
            # a département's run: its kit folder is scanned by a second process
            tags={"dagster/partition": partition} if partition else None,
        )


@pytest.fixture
def manifest_ready():
    from orchestration.manifest import ensure_manifest

    ensure_manifest()


def test_respondent_rows_are_kept_out_of_the_analysts_copy(tmp_path, data_dir, manifest_ready):
    _warehouse(tmp_path / "w.duckdb")
    result = _publish(tmp_path, data_dir)
    assert result.success
    copy = duckdb.connect(str(published_copy_path(tmp_path / "w.duckdb")), read_only=True)
    try:
        relations = {
            f"{s}.{n}"
            for s, n in copy.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        assert "raw.questionnaires_reponses" not in relations
        assert "staging.stg_questionnaires__reponses" not in relations
        assert not copy.execute(
            "select count(*) from information_schema.columns where column_name = 'id_repondant'"
        ).fetchone()[0]
        assert "marts.parole" in relations and "raw.documents_passages" in relations
        contents = dict(copy.execute("select table_name, content from quarantine.rejets").fetchall())
        assert contents == {"questionnaires_reponses": "", "cog_communes": "9Z001"}
    finally:
        copy.close()
    # the live warehouse keeps them (the aggregates are rebuilt from it)
    live = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert live.execute("select count(*) from raw.questionnaires_reponses").fetchone()[0] == 3
    live.close()


@pytest.mark.parametrize("where", ["table", "parquet", "workbook", "workbook_de_la_partition"])
def test_nothing_is_published_when_personal_data_is_left(tmp_path, data_dir, manifest_ready, where):
    _warehouse(tmp_path / "w.duckdb")
    if where == "table":
        con = duckdb.connect(str(tmp_path / "w.duckdb"))
        con.execute(
            "insert into raw.documents_passages (code_departement, id_document, id_passage, texte) "
            "values ('93', '93-a', '93-a-p1', 'Rappeler au 01/48/30/20/11')"
        )
        con.close()
    elif where == "parquet":
        exports = tmp_path / "sorties" / "93" / "exports"
        exports.mkdir(parents=True)
        con = duckdb.connect()
        con.execute(
            f"copy (select '(+33) 6 71 28 45 90' as texte) to '{(exports / 'passages.parquet').as_posix()}' "
            "(format parquet)"
        )
        con.close()
    else:
        from openpyxl import Workbook

        kit = tmp_path / "sorties" / "93" / "kit"
        kit.mkdir(parents=True)
        book = Workbook()
        book.active.append(["Passage", "écrire à jeanne.exemple@exemple.fr"])
        book.save(kit / "diagnostic_93.xlsx")
    result = _publish(tmp_path, data_dir, "93" if where == "workbook_de_la_partition" else None)
    assert not result.success
    assert not published_copy_path(tmp_path / "w.duckdb").exists()
    checks = [
        e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert [c.check_name for c in checks] == ["aucune_donnee_personnelle"]
    assert not checks[0].passed and checks[0].blocking
    if where.startswith("workbook"):  # the workbook is named, whichever process scanned it
        assert "adresse e-mail dans 93/kit/diagnostic_93.xlsx (1)" in checks[0].description
